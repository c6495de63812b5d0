import type { EventBus } from '../../bus/events.js';
import type {
  ChannelRow,
  FlowVersionRow,
  SlaPolicyRow,
  WebhookRow,
} from '../../storage/schema-conversations.js';
import type { Db } from '../../storage/database.js';
import {
  ChannelsRepository,
  findChannelByPublicKey,
} from '../../storage/repositories/channels-repository.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { AccountSettings } from '../accounts/account-settings.js';
import type { DeployedBotRow } from '../bots/bot-selection.js';
import { ExpiringLookup } from './expiring-lookup.js';

/** Deployed flow versions kept at most (each holds its flow's JSON). */
const FLOW_VERSIONS_KEPT = 200;

/** The account settings read on every conversation event, each kept by `AccountCaches`. */
export const CACHED_SETTINGS = [
  'webhooks',
  'sla_policies',
  'bots',
  'channels',
  'account_settings',
] as const;
export type CachedSetting = (typeof CACHED_SETTINGS)[number];

/**
 * What every message or bot turn looks up, kept per process: an account's enabled webhooks,
 * its default SLA policy, the channel types its deployed bots serve, bot rows, deployed flow
 * versions and channel rows. Without it each message read them again, even in accounts with
 * nothing configured.
 *
 * Whoever writes one of these settings calls `changedOnCommit` in the writing transaction:
 * once it commits, this process forgets the setting at once (so the next message sees the
 * change) and the bus carries `account.settings_changed` to the other processes. Without a
 * shared bus (SQLite with a separate `parley worker`), the others see it within a second,
 * when their copy expires.
 */
export class AccountCaches {
  /** An account's enabled webhooks, in id order. */
  readonly webhooks = new ExpiringLookup<number, WebhookRow[]>();
  readonly defaultSlaPolicy = new ExpiringLookup<number, SlaPolicyRow | undefined>();
  /** The channel types (WotNot's upper-case names) the active, deployed bots serve. */
  readonly deployedBotChannels = new ExpiringLookup<number, ReadonlySet<string>>();
  /** The account's settings row, parsed (every bot turn reads its global variables). */
  readonly accountSettings = new ExpiringLookup<number, AccountSettings>();
  /** Bots by `bot_key` (every bot-chat call names its bot so), forgotten on any bot change. */
  readonly botsByKey = new ExpiringLookup<string, DeployedBotRow | undefined>();
  /** Bots by id (every turn of a running session reads its bot), forgotten likewise. */
  readonly botsById = new ExpiringLookup<number, DeployedBotRow | undefined>();
  /**
   * Flow versions by id. A version never changes once deployed, so an entry stays valid
   * for as long as it is kept; only the number kept is bounded.
   */
  readonly flowVersions = new ExpiringLookup<number, FlowVersionRow | undefined>({
    ttlMs: Number.POSITIVE_INFINITY,
    maxKeys: FLOW_VERSIONS_KEPT,
  });
  /** Channel rows by id (each message's snapshot, inbox job and send job reads its channel). */
  readonly #channels = new ExpiringLookup<number, ChannelRow | undefined>();
  /** Channel rows by public key (every provider webhook names its channel so). */
  readonly #channelsByPublicKey = new ExpiringLookup<string, ChannelRow | undefined>();
  /** Channel rows by account, provider and external id (a bot-chat call finds its channel so). */
  readonly #channelsByProvider = new ExpiringLookup<string, ChannelRow | undefined>();
  constructor(private readonly bus: EventBus) {
    // For the runtime's lifetime: the bus is closed with it.
    bus.subscribe('account.settings_changed', (event) => {
      this.#forget(event.accountId, event.payload.setting);
    });
  }

  /** Forgets `setting` of the account once the unit commits, here and in other processes. */
  changedOnCommit(unit: UnitOfWork, accountId: number, setting: CachedSetting): void {
    unit.afterCommit(() => {
      this.changed(accountId, setting);
    });
  }

  /** Forgets `setting` of the account now, here and in other processes. */
  changed(accountId: number, setting: CachedSetting): void {
    this.#forget(accountId, setting);
    // Best effort: a process that misses it serves the old setting until the entry expires.
    this.bus.publish('account.settings_changed', accountId, { setting }).catch(() => undefined);
  }

  /** The account's channel `channelId`, from memory when it was read within the last second. */
  async channel(db: Db, accountId: number, channelId: number): Promise<ChannelRow | undefined> {
    const channel = await this.#channels.get(
      channelId,
      () => new ChannelsRepository(db, accountId).findById(channelId),
      (found) => found !== undefined,
    );
    // Kept by id: another account's question about the same id gets nothing.
    return channel?.account_id === accountId ? channel : undefined;
  }

  /** The channel whose public key a webhook URL carries (any account's), kept like `channel`. */
  channelByPublicKey(db: Db, key: string): Promise<ChannelRow | undefined> {
    return this.#channelsByPublicKey.get(
      key,
      () => findChannelByPublicKey(db, key),
      (found) => found !== undefined,
    );
  }

  /** The account's first channel of `provider` with `externalId`, kept like `channel`. */
  channelByProvider(
    db: Db,
    accountId: number,
    provider: string,
    externalId: string,
  ): Promise<ChannelRow | undefined> {
    // JSON of the three parts: no choice of separator could collide with an external id.
    return this.#channelsByProvider.get(
      JSON.stringify([accountId, provider, externalId]),
      () => new ChannelsRepository(db, accountId).findByProvider(provider, externalId),
      (found) => found !== undefined,
    );
  }

  #forget(accountId: number, setting: CachedSetting): void {
    switch (setting) {
      case 'webhooks':
        this.webhooks.invalidate(accountId);
        return;
      case 'sla_policies':
        this.defaultSlaPolicy.invalidate(accountId);
        return;
      case 'bots':
        this.deployedBotChannels.invalidate(accountId);
        // Kept by key and id; bot changes are rare enough to forget every account's.
        this.botsByKey.clear();
        this.botsById.clear();
        return;
      case 'account_settings':
        this.accountSettings.invalidate(accountId);
        return;
      case 'channels':
        // Kept by channel id; changes to channels are rare enough to forget them all.
        this.#channels.clear();
        this.#channelsByProvider.clear();
        this.#channelsByPublicKey.clear();
        return;
    }
  }
}
