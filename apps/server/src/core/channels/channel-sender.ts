import type { MessageContent } from '@parley/protocol';
import type { ChannelRow } from '../../storage/schema-conversations.js';

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
}

export class ChannelSenders {
  readonly #byProvider = new Map<string, ChannelSender>();

  register(sender: ChannelSender): void {
    this.#byProvider.set(sender.provider, sender);
  }

  for(provider: string): ChannelSender {
    const sender = this.#byProvider.get(provider);
    if (sender === undefined)
      throw new ChannelSendError(`No sender for provider ${provider}`, false);
    return sender;
  }
}
