import { Readable } from 'node:stream';
import type { Db } from '../../storage/database.js';
import { ContactsRepository } from '../../storage/repositories/contacts-repository.js';
import type { ContactRow } from '../../storage/schema-conversations.js';
import { contactVariables } from './contact-fields.js';
import { csvRecord, neutralizeFormula } from './csv.js';

export const CONTACT_CSV_COLUMNS = [
  'id',
  'key',
  'external_key',
  'name',
  'email',
  'phone',
  'blocked',
  'created_at',
  'variables',
] as const;

/**
 * The account's contacts as CSV text, one chunk per batch of the repository's keyset scan:
 * whatever the number of contacts, only one batch is in memory, and a slow client slows
 * the scan (the consumer pulls) instead of filling buffers.
 */
export async function* contactsCsv(db: Db, accountId: number): AsyncGenerator<string> {
  yield csvRecord(CONTACT_CSV_COLUMNS);
  for await (const batch of new ContactsRepository(db, accountId).streamAll()) {
    yield batch.map((contact) => csvRecord(contactFields(contact))).join('');
  }
}

/** `contactsCsv` as a byte stream, for `reply.send(stream)`. */
export function contactsCsvStream(db: Db, accountId: number): Readable {
  return Readable.from(contactsCsv(db, accountId), { objectMode: false });
}

function contactFields(contact: ContactRow): string[] {
  // Free text is neutralised against formula injection; the phone is E.164 (`+` and
  // digits only), which a spreadsheet reads as a plain number, so it stays as stored.
  const text = (value: string | null) => neutralizeFormula(value ?? '');
  return [
    String(contact.id),
    contact.key,
    text(contact.external_key),
    text(contact.name),
    text(contact.email),
    contact.phone ?? '',
    contact.blocked === 1 ? 'true' : 'false',
    new Date(contact.created_at).toISOString(),
    JSON.stringify(contactVariables(contact)),
  ];
}
