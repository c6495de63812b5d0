import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DialectName } from '../dialects/dialect.js';
import { PreparedQuery } from '../prepared-query.js';
import type { ContactRow } from '../schema-conversations.js';

// Every inbound message looks its sender up by channel identity, every bot turn reads
// its contact: prepared.
const byId = new PreparedQuery<{ accountId: number; id: number }, ContactRow>((db, param) =>
  db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', param('accountId'))
    .where('id', '=', param('id')),
);

const byIdentity = new PreparedQuery<
  { accountId: number; channelId: number; externalId: string },
  ContactRow
>((db, param) =>
  db
    .selectFrom('contact_identities')
    .innerJoin('contacts', 'contacts.id', 'contact_identities.contact_id')
    .selectAll('contacts')
    .where('contact_identities.account_id', '=', param('accountId'))
    .where('contacts.account_id', '=', param('accountId'))
    .where('contact_identities.channel_id', '=', param('channelId'))
    .where('contact_identities.external_id', '=', param('externalId')),
);

// A message from someone new creates the contact, its identity and checks for a match by
// e-mail or phone (the first message of every new contact): prepared too.
type ContactLookup = 'key' | 'email' | 'phone' | 'external_key';
const byColumn = (column: ContactLookup) =>
  new PreparedQuery<{ accountId: number; value: string }, ContactRow>((db, param) =>
    db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', param('accountId'))
      .where(column, '=', param('value'))
      // Several contacts may share an e-mail or phone (created before they were matched on,
      // or edited since): the oldest is the one that matches.
      .orderBy('id')
      .limit(1),
  );
const lookups: Record<ContactLookup, ReturnType<typeof byColumn>> = {
  key: byColumn('key'),
  email: byColumn('email'),
  phone: byColumn('phone'),
  external_key: byColumn('external_key'),
};

interface NewContact {
  accountId: number;
  key: string;
  externalKey: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  variables: string;
  now: number;
}
const insertContact = new PreparedQuery<NewContact, ContactRow>((db, param) =>
  db
    .insertInto('contacts')
    .values({
      account_id: param('accountId'),
      key: param('key'),
      external_key: param('externalKey'),
      name: param('name'),
      email: param('email'),
      phone: param('phone'),
      variables: param('variables'),
      blocked: 0,
      created_at: param('now'),
      updated_at: param('now'),
      last_activity_at: null,
    })
    .returningAll(),
);

const insertIdentity = new PreparedQuery<
  { accountId: number; contactId: number; channelId: number; externalId: string; now: number },
  { id: number }
>((db, param) =>
  db
    .insertInto('contact_identities')
    .values({
      account_id: param('accountId'),
      contact_id: param('contactId'),
      channel_id: param('channelId'),
      external_id: param('externalId'),
      created_at: param('now'),
    })
    .onConflict((conflict) => conflict.columns(['channel_id', 'external_id']).doNothing())
    .returning('id'),
);

const channelOfAccount = new PreparedQuery<{ accountId: number; id: number }, { id: number }>(
  (db, param) =>
    db
      .selectFrom('channels')
      .select('id')
      .where('account_id', '=', param('accountId'))
      .where('id', '=', param('id')),
);

export type ContactChanges = Partial<
  Pick<ContactRow, 'name' | 'email' | 'phone' | 'variables' | 'external_key' | 'blocked'>
>;

export interface ContactSearch {
  /** Matched, case-insensitively, anywhere in name, e-mail or phone. */
  readonly query?: string | undefined;
  readonly blocked?: boolean | undefined;
  readonly limit: number;
  /** Keyset cursor: only contacts with a larger id. */
  readonly afterId?: number | undefined;
}

/** The batch size of `streamAll`: large enough to amortise a round trip, small in memory. */
export const CONTACT_BATCH_SIZE = 1_000;

/**
 * Contacts of one account and their channel identities. Every query is scoped by the
 * account given at construction, identities included (a channel id of another account
 * finds nothing).
 */
export class ContactsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  findById(id: number): Promise<ContactRow | undefined> {
    return byId.takeFirst(this.db, { accountId: this.accountId, id });
  }

  /** By public key. */
  findByKey(key: string): Promise<ContactRow | undefined> {
    return this.#findBy('key', key);
  }

  findByEmail(email: string): Promise<ContactRow | undefined> {
    return this.#findBy('email', email);
  }

  findByPhone(phone: string): Promise<ContactRow | undefined> {
    return this.#findBy('phone', phone);
  }

  findByExternalKey(externalKey: string): Promise<ContactRow | undefined> {
    return this.#findBy('external_key', externalKey);
  }

  insert(contact: Omit<NewContact, 'accountId' | 'now'>): Promise<ContactRow> {
    return insertContact.takeFirstOrThrow(this.db, {
      ...contact,
      accountId: this.accountId,
      now: Date.now(),
    });
  }

  /** Applies the changes and answers the updated row (undefined: no such contact). */
  update(id: number, changes: ContactChanges): Promise<ContactRow | undefined> {
    return this.db
      .updateTable('contacts')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Removes a contact this transaction has just created (lost an identity race). */
  async delete(id: number): Promise<void> {
    await this.db
      .deleteFrom('contacts')
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .execute();
  }

  /** One page in id order; ask for `limit + 1` to learn whether another page follows. */
  search(search: ContactSearch): Promise<ContactRow[]> {
    let query = this.db.selectFrom('contacts').selectAll().where('account_id', '=', this.accountId);
    if (search.afterId !== undefined) query = query.where('id', '>', search.afterId);
    if (search.blocked !== undefined) query = query.where('blocked', '=', search.blocked ? 1 : 0);
    const text = search.query?.trim().toLowerCase() ?? '';
    if (text !== '') {
      const pattern = likePattern(text);
      // Typed numbers ("212 555") match stored E.164 phones by their digits alone.
      const digits = text.replace(/\D/g, '');
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${pattern} escape '!'`),
          eb(eb.fn('lower', ['email']), 'like', sql<string>`${pattern} escape '!'`),
          eb(
            'phone',
            'like',
            sql<string>`${likePattern(digits === '' ? text : digits)} escape '!'`,
          ),
        ]),
      );
    }
    return query.orderBy('id').limit(search.limit).execute();
  }

  /**
   * Every contact of the account, in batches of CONTACT_BATCH_SIZE by keyset on id: memory
   * stays at one batch however large the table is, and rows written meanwhile are either
   * seen once or not at all (never twice).
   */
  async *streamAll(batchSize: number = CONTACT_BATCH_SIZE): AsyncGenerator<ContactRow[]> {
    let afterId = 0;
    for (;;) {
      const rows = await this.search({ afterId, limit: batchSize });
      const last = rows.at(-1);
      if (last === undefined) return;
      yield rows;
      if (rows.length < batchSize) return;
      afterId = last.id;
    }
  }

  /** The contact a channel knows by `externalId` (a phone, a PSID, a widget visitor id). */
  findByIdentity(channelId: number, externalId: string): Promise<ContactRow | undefined> {
    return byIdentity.takeFirst(this.db, { accountId: this.accountId, channelId, externalId });
  }

  /**
   * Links a contact to a channel identity. False when the identity already belongs to a
   * contact (a concurrent first message from the same person won): the caller re-reads.
   */
  async addIdentity(contactId: number, channelId: number, externalId: string): Promise<boolean> {
    const inserted = await insertIdentity.takeFirst(this.db, {
      accountId: this.accountId,
      contactId,
      channelId,
      externalId,
      now: Date.now(),
    });
    return inserted !== undefined;
  }

  /**
   * Serialises, until the transaction ends, the writers that match contacts on the same
   * e-mail or phone in this account, so two first upserts of one person cannot both miss
   * and insert twice. PostgreSQL only: SQLite already runs one write transaction at a time.
   * One statement takes every lock, in lock-id order, so two writers never wait on each
   * other crosswise (a deadlock).
   */
  async lockMatchKeys(dialect: DialectName, keys: readonly string[]): Promise<void> {
    if (dialect !== 'postgres' || keys.length === 0) return;
    const names = [...new Set(keys)].map((key) => `contacts:${this.accountId}:${key}`);
    await sql`
      select pg_advisory_xact_lock(lock_id)
      from (select distinct hashtext(name) as lock_id from unnest(${names}::text[]) as name
            order by lock_id) as ordered`.execute(this.db);
  }

  /** Whether the channel belongs to this account (identities must never cross accounts). */
  async hasChannel(channelId: number): Promise<boolean> {
    const row = await channelOfAccount.takeFirst(this.db, {
      accountId: this.accountId,
      id: channelId,
    });
    return row !== undefined;
  }

  #findBy(column: ContactLookup, value: string): Promise<ContactRow | undefined> {
    return lookups[column].takeFirst(this.db, { accountId: this.accountId, value });
  }
}

/** A LIKE pattern matching `text` anywhere, with `!` escaping the wildcards in it. */
function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (character) => `!${character}`)}%`;
}
