import type {
  ContactChanges,
  ContactsRepository,
} from '../../storage/repositories/contacts-repository.js';
import { againIfRaced, unlessTaken } from '../../storage/unique-violation.js';
import type { ContactRow } from '../../storage/schema-conversations.js';
import { DomainError } from '../errors/domain-error.js';
import {
  contactVariables,
  defaultExternalKey,
  fieldError,
  generateContactKey,
  type NormalizedContactInput,
} from './contact-fields.js';

/**
 * The two writes every way of making or changing a contact shares (API, upsert, CSV,
 * channels), run on a repository of the caller's transaction.
 */

/** A new contact with a fresh key and, unless one is given, the default external key. */
export async function insertContact(
  contacts: ContactsRepository,
  accountId: number,
  fields: NormalizedContactInput,
): Promise<ContactRow> {
  const phone = fields.phone ?? null;
  let externalKey = fields.externalKey;
  if (externalKey != null) {
    await assertExternalKeyFree(contacts, externalKey, undefined);
  } else if (externalKey === undefined) {
    externalKey = await freeDefaultKey(contacts, phone, accountId);
  }
  return contacts.insert({
    key: generateContactKey(),
    externalKey,
    name: fields.name ?? null,
    email: fields.email ?? null,
    phone,
    variables: JSON.stringify(fields.variables ?? {}),
  });
}

/**
 * Writes the given fields onto an existing contact; variables are merged key by key. The
 * external key changes only when given: it is what integrations hold on to, so a new
 * phone does not move it.
 */
export async function applyContactChanges(
  contacts: ContactsRepository,
  existing: ContactRow,
  fields: NormalizedContactInput,
): Promise<ContactRow> {
  const changes: ContactChanges = {};
  if (fields.name !== undefined) changes.name = fields.name;
  if (fields.email !== undefined) changes.email = fields.email;
  if (fields.phone !== undefined) changes.phone = fields.phone;
  if (fields.variables !== undefined) {
    changes.variables = JSON.stringify({ ...contactVariables(existing), ...fields.variables });
  }
  if (fields.externalKey !== undefined && fields.externalKey !== existing.external_key) {
    if (fields.externalKey !== null)
      await assertExternalKeyFree(contacts, fields.externalKey, existing.id);
    changes.external_key = fields.externalKey;
  } else if (fields.externalKey === undefined && existing.external_key === null) {
    // A contact first known by e-mail gets the default key once it has a phone.
    const phone = changes.phone === undefined ? existing.phone : changes.phone;
    const key = await freeDefaultKey(contacts, phone, existing.account_id);
    if (key !== null) changes.external_key = key;
  }
  const updated = await contacts.update(existing.id, changes);
  if (updated === undefined) throw new DomainError('CONTACT_NOT_FOUND');
  return updated;
}

/**
 * Runs `work` again once if a unique constraint refused it: its check-then-write raced
 * another transaction, and the second run sees that one's row. A second refusal is a
 * real conflict (an external key another contact holds).
 */
export function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  return unlessTaken(() => againIfRaced(work), externalKeyTaken);
}

/**
 * The default external key of a phone, unless another contact holds it (one that had this
 * phone before keeps its key): then none, rather than a failure.
 */
async function freeDefaultKey(
  contacts: ContactsRepository,
  phone: string | null,
  accountId: number,
): Promise<string | null> {
  const candidate = defaultExternalKey(phone, accountId);
  if (candidate === null) return null;
  return (await contacts.findByExternalKey(candidate)) === undefined ? candidate : null;
}

async function assertExternalKeyFree(
  contacts: ContactsRepository,
  externalKey: string,
  ownerId: number | undefined,
): Promise<void> {
  const holder = await contacts.findByExternalKey(externalKey);
  if (holder !== undefined && holder.id !== ownerId) throw externalKeyTaken();
}

function externalKeyTaken(): DomainError {
  return fieldError('external_key', '"external_key" is already used by another contact');
}
