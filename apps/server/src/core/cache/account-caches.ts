import type { EventBus } from '../../bus/events.js';
import type { ChannelRow, SlaPolicyRow, WebhookRow } from '../../storage/schema-conversations.js';
import type { Db } from '../../storage/database.js';
import { ChannelsRepository } from '../../storage/repositories/channels-repository.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import { ExpiringLookup } from './expiring-lookup.js';

/** The account settings read on every conversation event, each kept by `AccountCaches`. */
export const CACHED_SETTINGS = ['webhooks', 'sla_policies', 'bots', 'channels'] as const;
export type CachedSetting = (typeof CACHED_SETTINGS)[number];

/**
 * What every message looks up, kept per process: an account's enabled webhooks, its default
 * SLA policy, the channel types its deployed bots serve, and channel rows. Without it each
 * message read them again, even in accounts with nothing configured.
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
  /** The channel type lists (JSON, as stored) of the active, deployed bots. */
  readonly deployedBotChannels = new ExpiringLookup<number, string[]>();
  /** Channel rows by id (each message's snapshot, inbox job and send job reads its channel). */
  readonly #channels = new ExpiringLookup<number, ChannelRow | undefined>();
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
        return;
      case 'channels':
        // Kept by channel id; changes to channels are rare enough to forget them all.
        this.#channels.clear();
        return;
    }
  }
}
