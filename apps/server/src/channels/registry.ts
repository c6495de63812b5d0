import {
  ChannelSendError,
  withinServiceWindow,
  type ChannelSender,
  type OutboundMessage,
  type SendResult,
} from '../core/channels/channel-sender.js';
import { sendsPerSecondOf } from '../core/channels/send-rate.js';
import type { ChannelRow } from '../storage/schema-conversations.js';
import type { ChannelAdapter, ChannelContext } from './adapter.js';
import type { TokenBuckets } from './token-bucket.js';

/** Opens a channel's credentials (ChannelsService.secretsOf). */
export type SecretsOf = (channel: ChannelRow) => Record<string, string>;

export function channelContext(channel: ChannelRow, secretsOf: SecretsOf): ChannelContext {
  const config: unknown = JSON.parse(channel.config);
  return {
    channel,
    secrets: secretsOf(channel),
    config:
      typeof config === 'object' && config !== null && !Array.isArray(config)
        ? Object.fromEntries(Object.entries(config))
        : {},
  };
}

/** The adapters by provider name, for the webhook routes and the inbound job. */
export class ChannelAdapters {
  readonly #byProvider = new Map<string, ChannelAdapter>();

  register(adapter: ChannelAdapter): void {
    this.#byProvider.set(adapter.provider, adapter);
  }

  get(provider: string): ChannelAdapter | undefined {
    return this.#byProvider.get(provider);
  }

  all(): ChannelAdapter[] {
    return [...this.#byProvider.values()];
  }
}

/**
 * An adapter as the send job's ChannelSender: opens the channel's secrets and waits for
 * the channel's send token first.
 */
export class AdapterSender implements ChannelSender {
  readonly provider: string;

  constructor(
    private readonly adapter: ChannelAdapter,
    private readonly secretsOf: SecretsOf,
    private readonly buckets: TokenBuckets,
  ) {
    this.provider = adapter.provider;
  }

  async send(channel: ChannelRow, message: OutboundMessage): Promise<SendResult> {
    // Meta's channels take free-form messages only within 24 h of the contact's last one:
    // fail clearly before any provider call (and before waiting for a send token).
    const { customerServiceWindowHours: hours, outsideWindowReason } = this.adapter.capabilities;
    if (!withinServiceWindow(message, hours)) {
      throw new ChannelSendError(
        outsideWindowReason ??
          `Outside the ${String(hours)}-hour customer service window: send an approved template.`,
        false,
      );
    }
    const context = channelContext(channel, this.secretsOf);
    const perSecond = sendsPerSecondOf(context.config, this.adapter.capabilities.sendsPerSecond);
    await this.buckets.take(channel.id, perSecond);
    return this.adapter.send(context, message);
  }
}
