import { lockUntilCommit } from '../advisory-lock.js';
import type { Db } from '../database.js';
import type { DialectName } from '../dialects/dialect.js';
import { PreparedQuery } from '../prepared-query.js';
import type { ChannelRow, ChannelType } from '../schema-conversations.js';

// Inbound webhooks and bot-chat calls find their channel by provider id: prepared.
const byProvider = new PreparedQuery<
  { accountId: number; provider: string; externalId: string },
  ChannelRow
>((db, param) =>
  db
    .selectFrom('channels')
    .selectAll()
    .where('account_id', '=', param('accountId'))
    .where('provider', '=', param('provider'))
    .where('external_id', '=', param('externalId'))
    .orderBy('id')
    .limit(1),
);

const byPublicKey = new PreparedQuery<{ key: string }, ChannelRow>((db, param) =>
  db.selectFrom('channels').selectAll().where('public_key', '=', param('key')),
);

/**
 * The one unscoped channel read: a provider's webhook names its channel by the channel's
 * unguessable public key, as a token would, before any account is known.
 */
export function findChannelByPublicKey(db: Db, key: string): Promise<ChannelRow | undefined> {
  return byPublicKey.takeFirst(db, { key });
}

/** Channels of one account. Every query is scoped by the account given at construction. */
export class ChannelsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  list(): Promise<ChannelRow[]> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('id')
      .execute();
  }

  findById(id: number): Promise<ChannelRow | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The channel of a type that owns a number (numbers are stored as `+<digits>`). */
  findByNumber(type: ChannelType, phoneNumber: string): Promise<ChannelRow | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('type', '=', type)
      .where('phone_number', '=', phoneNumber)
      .orderBy('id')
      .executeTakeFirst();
  }

  /** The first channel of a provider with an external id (a page, a bot key). */
  findByProvider(provider: string, externalId: string): Promise<ChannelRow | undefined> {
    return byProvider.takeFirst(this.db, { accountId: this.accountId, provider, externalId });
  }

  /**
   * Serialises, until the transaction ends, the writers that find or create the channel of
   * `provider` with `externalId`, so two first uses cannot both miss and create it twice.
   * PostgreSQL only: SQLite already runs one write transaction at a time.
   */
  lockProviderKey(dialect: DialectName, provider: string, externalId: string): Promise<void> {
    return lockUntilCommit(this.db, dialect, ['channels', this.accountId, provider, externalId]);
  }

  /** The first channel of a type (WotNot's channel types without a `from` number). */
  findFirstOfType(type: ChannelType): Promise<ChannelRow | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('type', '=', type)
      .orderBy('id')
      .executeTakeFirst();
  }

  insert(channel: {
    type: ChannelType;
    provider: string;
    name: string;
    phoneNumber: string | null;
    externalId: string | null;
    publicKey: string;
    config: string;
    secrets: string | null;
  }): Promise<ChannelRow> {
    const now = Date.now();
    return this.db
      .insertInto('channels')
      .values({
        account_id: this.accountId,
        type: channel.type,
        provider: channel.provider,
        name: channel.name,
        enabled: 1,
        phone_number: channel.phoneNumber,
        external_id: channel.externalId,
        public_key: channel.publicKey,
        config: channel.config,
        secrets: channel.secrets,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(
    id: number,
    changes: {
      name?: string;
      enabled?: number;
      config?: string;
      secrets?: string | null;
      phone_number?: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({ ...changes, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .execute();
  }
}
