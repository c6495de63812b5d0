import {
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../../core/channels/channel-sender.js';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type {
  ChannelAdapter,
  ChannelCapabilities,
  ChannelContext,
  FetchedMedia,
  InboundEvent,
  ProviderRequest,
  WebhookAck,
  WebhookVerdict,
} from '../adapter.js';
import { sameSecret } from '../whatsapp-cloud/verify.js';
import { whatsappCapabilities, WhatsAppApi, type WhatsAppTransport } from '../whatsapp/api.js';
import { parseWhatsAppWebhook } from '../whatsapp/inbound.js';

export interface D360Options {
  readonly http: GuardedHttpClient;
  /** `https://waba-v2.360dialog.io` (Cloud API hosting) or a sandbox/regional host. */
  readonly baseUrl: string;
  readonly sendsPerSecond?: number;
}

/** The header 360dialog can be told to add to every webhook (its webhook config `headers`). */
export const D360_TOKEN_HEADER = 'x-parley-token';

/**
 * WhatsApp through 360dialog: the Cloud-API payloads sent to `{base}/messages` with the
 * number's `D360-API-KEY`. Secrets `api_key` and `verify_token`. 360dialog does not sign
 * webhooks, so the webhook URL registered there carries the verify token
 * (`…/webhooks/channels/<key>?token=<verify_token>`) or the webhook is configured to send
 * it in an `X-Parley-Token` header; a request without it is refused.
 */
export class D360Adapter implements ChannelAdapter {
  readonly provider = 'd360';
  readonly channelTypes = ['whatsapp'] as const;
  readonly capabilities: ChannelCapabilities;
  readonly #api: WhatsAppApi;
  readonly #http: GuardedHttpClient;
  readonly #base: string;

  constructor(options: D360Options) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.#http = options.http;
    this.#base = base;
    this.capabilities = whatsappCapabilities(options.sendsPerSecond ?? 80);
    this.#api = new WhatsAppApi(options.http, transport(base));
  }

  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict {
    const expected = context.secrets.verify_token ?? '';
    if (expected === '')
      return { kind: 'reject', status: 403, reason: 'no verify_token configured' };
    const given = request.query.token ?? request.headers[D360_TOKEN_HEADER];
    if (given === undefined) return { kind: 'reject', status: 401, reason: 'token missing' };
    if (!sameSecret(given, expected))
      return { kind: 'reject', status: 403, reason: 'token mismatch' };
    // 360dialog checks a URL with a GET when it is set: answer it without storing anything.
    if (request.method === 'GET') return { kind: 'challenge', status: 200, body: 'OK' };
    return { kind: 'accept' };
  }

  ack(): WebhookAck {
    return { status: 200, contentType: 'text/plain', body: 'OK' };
  }

  parseInbound(context: ChannelContext, request: ProviderRequest): InboundEvent[] {
    return parseWhatsAppWebhook(request.body, {
      phoneNumberId: context.channel.external_id,
      strict: false,
    });
  }

  send(context: ChannelContext, message: OutboundMessage): Promise<SendResult> {
    return this.#api.send(context, message);
  }

  fetchMedia(context: ChannelContext, mediaId: string): Promise<FetchedMedia> {
    return this.#api.fetchMedia(context, mediaId);
  }

  /** Sets the number's webhook at 360dialog (`POST /v1/configs/webhook`), token included. */
  async registerWebhook(context: ChannelContext, url: string): Promise<void> {
    const token = context.secrets.verify_token ?? '';
    if (token === '') {
      throw new ChannelSendError(
        'Set secrets.verify_token first: it authenticates 360dialog.',
        false,
      );
    }
    const target = new URL(url);
    target.searchParams.set('token', token);
    const response = await this.#http.fetch(`${this.#base}/v1/configs/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...transport(this.#base).headers(context) },
      body: JSON.stringify({ url: target.toString() }),
    });
    if (response.status < 200 || response.status >= 300) {
      throw new ChannelSendError(
        `360dialog refused the webhook URL: HTTP ${String(response.status)} ${response.text().slice(0, 200)}`,
        false,
      );
    }
  }
}

function transport(base: string): WhatsAppTransport {
  return {
    label: '360dialog',
    messagesUrl: () => `${base}/messages`,
    mediaUrl: (_context, mediaId) => `${base}/${encodeURIComponent(mediaId)}`,
    // Meta's media URL is only reachable through 360dialog: same path and query on its host.
    downloadUrl: (url) => {
      const parsed = new URL(url);
      return `${base}${parsed.pathname}${parsed.search}`;
    },
    headers: (context) => {
      const key = context.secrets.api_key ?? '';
      if (key === '')
        throw new ChannelSendError('The 360dialog channel has no secrets.api_key.', false);
      return { 'D360-API-KEY': key };
    },
  };
}
