import type { MessageContent } from '@parley/protocol';
import type { ChannelRow, ContactRow } from '../../storage/schema-conversations.js';

/** One outbound message as a channel adapter gets it. */
export interface OutboundMessage {
  /** Parley's public message id: providers that accept a client id get it, so a retry is recognised. */
  readonly id: string;
  readonly conversationId: string;
  readonly content: MessageContent;
  readonly recipient: {
    readonly externalId: string;
    readonly phone: string | null;
    readonly email: string | null;
    readonly name: string | null;
  };
  /**
   * When the contact last wrote in this conversation (epoch ms; null: never), for the
   * providers that allow free-form messages only within a window after it. Undefined: not
   * known to the caller, so not checked.
   */
  readonly lastInboundAt?: number | null;
}

/**
 * The customer-service window rule (WhatsApp, Messenger): outside `hours` after the
 * contact's last message only a template (approved by the provider beforehand) may go out.
 * Checked before the provider call, so the message fails with a clear reason instead of
 * being refused or, worse, dropped by the provider.
 */
export function withinServiceWindow(
  message: OutboundMessage,
  hours: number | null,
  now: number = Date.now(),
): boolean {
  if (hours === null || message.lastInboundAt === undefined) return true;
  if (message.content.type === 'template') return true;
  return message.lastInboundAt !== null && now - message.lastInboundAt < hours * 3_600_000;
}

export interface SendResult {
  readonly providerMessageId: string;
}

/**
 * A send that failed. `retryable` false means trying again cannot help (an invalid
 * number, a rejected template): the message is marked failed at once with the reason.
 */
export class ChannelSendError extends Error {
  override readonly name = 'ChannelSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * What each provider implements to deliver a canonical message (the channels issue adds
 * WhatsApp, Twilio, Telegram, …). Status changes after the send (delivered, read) come
 * back through `MessagesService.applyStatus`.
 */
export interface ChannelSender {
  readonly provider: string;
  send(channel: ChannelRow, message: OutboundMessage): Promise<SendResult>;
  /**
   * Whether a message to `contact` is delivered by being committed, with nothing to send
   * (the bot chat's HTTP answer carries it): then no send job, it is marked sent at once.
   */
  deliveredOnCommit?(channel: ChannelRow, contact: ContactRow): boolean;
}

export class ChannelSenders {
  readonly #byProvider = new Map<string, ChannelSender>();

  register(sender: ChannelSender): void {
    this.#byProvider.set(sender.provider, sender);
  }

  /** Whether the channel's sender delivers a message to `contact` by its commit alone. */
  deliveredOnCommit(channel: ChannelRow, contact: ContactRow): boolean {
    return this.#byProvider.get(channel.provider)?.deliveredOnCommit?.(channel, contact) ?? false;
  }

  for(provider: string): ChannelSender {
    const sender = this.#byProvider.get(provider);
    if (sender === undefined)
      throw new ChannelSendError(`No sender for provider ${provider}`, false);
    return sender;
  }
}
