import type { DeliveryStatus, MessageContent } from '@parley/protocol';
import type { OutboundMessage, SendResult } from '../core/channels/channel-sender.js';
import type { ChannelRow, ChannelType } from '../storage/schema-conversations.js';

/**
 * The seam between Parley and a messaging provider (DESIGN.md §1). One adapter per provider
 * under `channels/<provider>/`; nothing outside `channels/` knows a provider's JSON.
 * Adapters are pure translators plus the provider's HTTP calls: they never touch storage —
 * the inbound job and the send job do that around them.
 */

/** An inbound HTTP request as the provider made it: raw bytes, for signature checks. */
export interface ProviderRequest {
  readonly method: string;
  /** The full public URL the provider called (Twilio signs it). */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What a channel's adapter gets to work with: the row, its opened secrets, its settings. */
export interface ChannelContext {
  readonly channel: ChannelRow;
  /** Decrypted credentials (`secretsOf`); never logged. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Non-secret settings (`channels.config`). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The answer to a webhook request, before anything is stored. */
export type WebhookVerdict =
  /** A verification handshake (Meta's hub.challenge): answered as is, nothing stored. */
  | { readonly kind: 'challenge'; readonly status: number; readonly body: string }
  /** Authentic: persist it and answer with `ack`. */
  | { readonly kind: 'accept' }
  /** Not from the provider (bad signature, wrong token): refused, nothing stored. */
  | { readonly kind: 'reject'; readonly status: 401 | 403; readonly reason: string };

/** What the provider expects as the 2xx answer to an accepted webhook. */
export interface WebhookAck {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A canonical inbound event parsed from one webhook (a webhook may carry several). */
export type InboundEvent =
  | {
      readonly kind: 'message';
      readonly contact: {
        readonly externalId: string;
        readonly name?: string | null;
        readonly phone?: string | null;
        readonly email?: string | null;
      };
      readonly content: MessageContent;
      /** The provider's id: deliveries of the same message are one message in Parley. */
      readonly providerMessageId: string;
      /** For e-mail threading and replies to a given message. */
      readonly replyToProviderId?: string | null;
    }
  | {
      readonly kind: 'status';
      /** The id the provider returned when Parley sent the message. */
      readonly providerMessageId: string;
      readonly status: Exclude<DeliveryStatus, 'queued' | 'received'>;
      readonly reason?: string;
    };

/** Media fetched from the provider (WhatsApp media ids, Twilio MMS URLs, Telegram files). */
export interface FetchedMedia {
  readonly bytes: Buffer;
  readonly mime: string;
  readonly filename?: string;
}

export interface ChannelCapabilities {
  /** Reply buttons in one message (WhatsApp 3, Messenger 3, Telegram many, SMS none). */
  readonly maxReplyButtons: number;
  readonly maxListRows: number;
  readonly maxQuickReplies: number;
  readonly maxCarouselCards: number;
  /** Free-form messages only within 24 h of the contact's last message (Meta channels). */
  readonly customerServiceWindowHours: number | null;
  /** Why a free-form message outside that window fails, in the provider's words. */
  readonly outsideWindowReason?: string;
  /** Sends per second the provider allows per channel (token bucket). */
  readonly sendsPerSecond: number;
}

export interface ChannelAdapter {
  readonly provider: string;
  readonly channelTypes: readonly ChannelType[];
  readonly capabilities: ChannelCapabilities;
  /** Checks a webhook request (signature, verify token) before it is stored. */
  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict;
  ack(request: ProviderRequest): WebhookAck;
  /** Turns a verified webhook into canonical events; unknown parts are skipped, not errors. */
  parseInbound(
    context: ChannelContext,
    request: ProviderRequest,
  ): InboundEvent[] | Promise<InboundEvent[]>;
  /**
   * Sends one canonical message, rendered for the provider (with documented fallbacks).
   * Throws ChannelSendError: `retryable` for the provider's transient errors (5xx, rate
   * limits, timeouts), not for permanent ones (invalid number, rejected template).
   */
  send(context: ChannelContext, message: OutboundMessage): Promise<SendResult>;
  fetchMedia?(context: ChannelContext, mediaId: string): Promise<FetchedMedia>;
  /**
   * Tells the provider where to post this channel's webhooks (Telegram's setWebhook), for
   * providers configured by API rather than in their console. `url` is the channel's
   * public webhook URL. Throws ChannelSendError when the provider refuses.
   */
  registerWebhook?(context: ChannelContext, url: string): Promise<void>;
}
