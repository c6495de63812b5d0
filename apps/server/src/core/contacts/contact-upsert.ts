import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import { ContactsRepository } from '../../storage/repositories/contacts-repository.js';
import { isUniqueViolation } from '../../storage/unique-violation.js';
import type { ContactRow } from '../../storage/schema-conversations.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';
import { DomainError, isDomainError } from '../errors/domain-error.js';
import {
  normalizeContactInput,
  type ContactInput,
  type NormalizedContactInput,
} from './contact-fields.js';
import { applyContactChanges, insertContact, retryOnConflict } from './contact-writes.js';

export interface UpsertResult {
  readonly contact: ContactRow;
  readonly created: boolean;
}

/** One item of a bulk upsert: its result, or why it failed (the others still ran). */
export type UpsertItemResult =
  ({ readonly ok: true } & UpsertResult) | { readonly ok: false; readonly error: DomainError };

export const EMAIL_OR_PHONE_REQUIRED = 'Either email or phone is mandatory';

/**
 * Items written per transaction. A commit (an fsync) per item made a 2,000-row import take
 * seconds on PostgreSQL; a chunk shares one, and the advisory locks are held only for it.
 */
const CHUNK_SIZE = 100;

interface Target {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly accountId: number;
}

/**
 * Creates or updates each input's contact: the one with its e-mail, else its phone. Items
 * are independent: an invalid one is reported and the others are written. Valid items go
 * in chunks, one transaction each; if the database refuses a chunk (a unique constraint:
 * another writer won a race), its items are redone one at a time, each retried once.
 */
export async function upsertContacts(
  target: Target,
  inputs: readonly ContactInput[],
): Promise<UpsertItemResult[]> {
  const results = new Array<UpsertItemResult | undefined>(inputs.length).fill(undefined);
  const valid: { index: number; fields: NormalizedContactInput }[] = [];
  inputs.forEach((input, index) => {
    try {
      valid.push({ index, fields: upsertFields(input) });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      results[index] = { ok: false, error };
    }
  });
  for (let start = 0; start < valid.length; start += CHUNK_SIZE) {
    const chunk = valid.slice(start, start + CHUNK_SIZE);
    try {
      await inTransaction(target.db, async (unit) => {
        const keys = chunk.flatMap(({ fields }) => matchKeys(fields.email, fields.phone));
        await new ContactsRepository(unit.db, target.accountId).lockMatchKeys(target.dialect, keys);
        for (const { index, fields } of chunk) {
          results[index] = await attempt(() => upsertIn(unit, target.accountId, fields));
        }
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      for (const { index, fields } of chunk) {
        results[index] = await attempt(() => upsertAlone(target, fields));
      }
    }
  }
  return results.map((result) => result ?? { ok: false, error: new DomainError('INTERNAL_ERROR') });
}

/** What concurrent upserts of one person have in common, to lock on. */
export function matchKeys(
  email: string | null | undefined,
  phone: string | null | undefined,
): string[] {
  return [email == null ? [] : [`email:${email}`], phone == null ? [] : [`phone:${phone}`]].flat();
}

function upsertFields(input: ContactInput): NormalizedContactInput {
  const fields = normalizeContactInput(input);
  if (fields.email == null && fields.phone == null) {
    throw new DomainError('BAD_REQUEST', {
      message: EMAIL_OR_PHONE_REQUIRED,
      issues: [{ path: [], message: EMAIL_OR_PHONE_REQUIRED }],
    });
  }
  return fields;
}

/**
 * A domain refusal (an external key already held) is the item's result; it is raised
 * before the item writes anything, so the chunk's transaction stays usable.
 */
async function attempt(work: () => Promise<UpsertResult>): Promise<UpsertItemResult> {
  try {
    return { ok: true, ...(await work()) };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { ok: false, error };
  }
}

function upsertAlone(target: Target, fields: NormalizedContactInput): Promise<UpsertResult> {
  return retryOnConflict(() =>
    inTransaction(target.db, async (unit) => {
      await new ContactsRepository(unit.db, target.accountId).lockMatchKeys(
        target.dialect,
        matchKeys(fields.email, fields.phone),
      );
      return upsertIn(unit, target.accountId, fields);
    }),
  );
}

async function upsertIn(
  unit: UnitOfWork,
  accountId: number,
  fields: NormalizedContactInput,
): Promise<UpsertResult> {
  const contacts = new ContactsRepository(unit.db, accountId);
  const match =
    (fields.email == null ? undefined : await contacts.findByEmail(fields.email)) ??
    (fields.phone == null ? undefined : await contacts.findByPhone(fields.phone));
  if (match === undefined) {
    return { contact: await insertContact(contacts, accountId, fields), created: true };
  }
  return { contact: await applyContactChanges(contacts, match, fields), created: false };
}
