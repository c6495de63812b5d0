import { randomBytes } from 'node:crypto';
import type { ServiceContext } from '../context.js';
import type { Db } from '../../storage/database.js';
import { inTransaction } from '../../storage/transaction.js';
import { DomainError } from '../errors/domain-error.js';
import { ChannelsRepository } from '../../storage/repositories/channels-repository.js';
import { sendRateProblem } from './send-rate.js';
import type { ChannelRow, ChannelType } from '../../storage/schema-conversations.js';

export interface ChannelInput {
  readonly type: ChannelType;
  readonly provider: string;
  readonly name: string;
  readonly phoneNumber?: string | undefined;
  readonly externalId?: string | undefined;
  readonly config?: Record<string, unknown> | undefined;
  /** Credentials; sealed before they are stored, never returned. */
  readonly secrets?: Record<string, string> | undefined;
}

/** Digits of a phone number with a leading "+": how channel numbers are stored and matched. */
export function channelNumber(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 5 && digits.length <= 15 ? `+${digits}` : undefined;
}

/** The account's connected numbers, pages, widgets and API endpoints. */
export class ChannelsService {
  constructor(private readonly context: ServiceContext) {}

  list(accountId: number): Promise<ChannelRow[]> {
    return new ChannelsRepository(this.context.db, accountId).list();
  }

  /** The first channel of a provider with an external id, if any. */
  findByProvider(
    accountId: number,
    provider: string,
    externalId: string,
  ): Promise<ChannelRow | undefined> {
    return new ChannelsRepository(this.context.db, accountId).findByProvider(provider, externalId);
  }

  /** The channel (as of the last second at most: kept in memory, forgotten on update). */
  async get(accountId: number, channelId: number): Promise<ChannelRow> {
    const channel = await this.context.caches.channel(this.context.db, accountId, channelId);
    if (channel === undefined) throw new DomainError('CHANNEL_NOT_FOUND');
    return channel;
  }

  create(accountId: number, input: ChannelInput): Promise<ChannelRow> {
    return this.#insert(this.context.db, accountId, input);
  }

  /**
   * The account's channel of `input.provider` with `input.externalId`, created on first use
   * (the bot-chat channel of a bot key). Concurrent first uses get the same one.
   */
  findOrCreateByProvider(
    accountId: number,
    input: ChannelInput & { readonly externalId: string },
  ): Promise<ChannelRow> {
    return inTransaction(this.context.db, async (unit) => {
      const channels = new ChannelsRepository(unit.db, accountId);
      await channels.lockProviderKey(this.context.dialect, input.provider, input.externalId);
      const existing = await channels.findByProvider(input.provider, input.externalId);
      return existing ?? this.#insert(unit.db, accountId, input);
    });
  }

  async #insert(db: Db, accountId: number, input: ChannelInput): Promise<ChannelRow> {
    const phoneNumber = input.phoneNumber === undefined ? null : channelNumber(input.phoneNumber);
    if (input.provider === 'api') {
      // The API channel signs what it sends and checks what it receives with this secret.
      if ((input.secrets?.secret ?? '').length < 16) {
        throw new DomainError('BAD_REQUEST', {
          message: 'An API channel needs secrets.secret (16 characters or more).',
        });
      }
      if (typeof input.config?.url !== 'string' || !URL.canParse(input.config.url)) {
        throw new DomainError('BAD_REQUEST', {
          message: 'An API channel needs config.url: where its outbound messages are POSTed.',
        });
      }
    }
    assertSendRate(input.config);
    if (phoneNumber === undefined) {
      throw new DomainError('BAD_REQUEST', {
        message: '"phone_number" must be a phone number with 5 to 15 digits',
      });
    }
    return new ChannelsRepository(db, accountId).insert({
      type: input.type,
      provider: input.provider,
      name: input.name,
      phoneNumber,
      externalId: input.externalId ?? null,
      publicKey: randomBytes(16).toString('hex'),
      config: JSON.stringify(input.config ?? {}),
      secrets:
        input.secrets === undefined
          ? null
          : this.context.secretBox.seal(JSON.stringify(input.secrets)),
    });
  }

  async update(
    accountId: number,
    channelId: number,
    changes: {
      name?: string;
      enabled?: boolean;
      config?: Record<string, unknown>;
      secrets?: Record<string, string>;
    },
  ): Promise<ChannelRow> {
    assertSendRate(changes.config);
    const channels = new ChannelsRepository(this.context.db, accountId);
    const channel = await this.get(accountId, channelId);
    await channels.update(channel.id, {
      name: changes.name,
      enabled: changes.enabled === undefined ? undefined : changes.enabled ? 1 : 0,
      config: changes.config === undefined ? undefined : JSON.stringify(changes.config),
      secrets:
        changes.secrets === undefined
          ? undefined
          : this.context.secretBox.seal(JSON.stringify(changes.secrets)),
    });
    this.context.caches.changed(accountId, 'channels');
    return this.get(accountId, channelId);
  }

  /** Credentials of a channel, for its sender only. */
  secretsOf(channel: ChannelRow): Record<string, string> {
    if (channel.secrets === null) return {};
    const parsed: unknown = JSON.parse(this.context.secretBox.open(channel.secrets));
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }
}

function assertSendRate(config: Record<string, unknown> | undefined): void {
  const problem = sendRateProblem(config);
  if (problem !== undefined) throw new DomainError('BAD_REQUEST', { message: problem });
}
