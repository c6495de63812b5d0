import { z } from 'zod';
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
import { whatsappCapabilities, WhatsAppApi, type WhatsAppTransport } from '../whatsapp/api.js';
import { parseWhatsAppWebhook } from '../whatsapp/inbound.js';
import { fetchTemplates, type WhatsAppTemplate } from './templates.js';
import { verifyMetaWebhook } from './verify.js';

export interface WhatsAppCloudOptions {
  readonly http: GuardedHttpClient;
  /** Graph API base with its version, e.g. `https://graph.facebook.com/v21.0`. */
  readonly baseUrl: string;
  /** Meta's default throughput is 80 messages per second per number. */
  readonly sendsPerSecond?: number;
}

/**
 * WhatsApp Business Cloud API (Meta). A channel is one business phone number:
 * `external_id` = its phone number id; secrets `access_token` (a system user token with
 * whatsapp_business_messaging), `app_secret` (signs webhooks), `verify_token` (chosen by
 * the admin for the subscription handshake); config `waba_id` (the business account).
 */
export class WhatsAppCloudAdapter implements ChannelAdapter {
  readonly provider = 'whatsapp_cloud';
  readonly channelTypes = ['whatsapp'] as const;
  readonly capabilities: ChannelCapabilities;
  readonly #api: WhatsAppApi;
  readonly #baseUrl: string;
  readonly #http: GuardedHttpClient;

  constructor(options: WhatsAppCloudOptions) {
    this.#http = options.http;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.capabilities = whatsappCapabilities(options.sendsPerSecond ?? 80);
    this.#api = new WhatsAppApi(options.http, this.#transport());
  }

  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict {
    return verifyMetaWebhook(context, request);
  }

  ack(): WebhookAck {
    return { status: 200, contentType: 'text/plain', body: 'OK' };
  }

  parseInbound(context: ChannelContext, request: ProviderRequest): InboundEvent[] {
    return parseWhatsAppWebhook(request.body, {
      phoneNumberId: context.channel.external_id,
      strict: true,
    });
  }

  send(context: ChannelContext, message: OutboundMessage): Promise<SendResult> {
    return this.#api.send(context, message);
  }

  fetchMedia(context: ChannelContext, mediaId: string): Promise<FetchedMedia> {
    return this.#api.fetchMedia(context, mediaId);
  }

  /** The business account's templates (Business Management API), for a template sync. */
  listTemplates(context: ChannelContext): Promise<WhatsAppTemplate[]> {
    const config = z.object({ waba_id: z.string().min(1) }).safeParse(context.config);
    if (!config.success) throw new Error('The WhatsApp channel has no config.waba_id.');
    return fetchTemplates(
      this.#http,
      `${this.#baseUrl}/${encodeURIComponent(config.data.waba_id)}/message_templates`,
      this.#transport().headers(context),
    );
  }

  #transport(): WhatsAppTransport {
    const base = this.#baseUrl;
    return {
      label: 'WhatsApp',
      messagesUrl: (context) => {
        const phoneNumberId = context.channel.external_id ?? '';
        if (phoneNumberId === '') {
          throw new ChannelSendError(
            'The WhatsApp channel has no phone number id (external_id).',
            false,
          );
        }
        return `${base}/${encodeURIComponent(phoneNumberId)}/messages`;
      },
      mediaUrl: (_context, mediaId) => `${base}/${encodeURIComponent(mediaId)}`,
      // Meta's media host wants the same bearer token.
      downloadUrl: (url) => url,
      headers: (context) => {
        const token = context.secrets.access_token ?? '';
        if (token === '') {
          throw new ChannelSendError('The WhatsApp channel has no secrets.access_token.', false);
        }
        return { authorization: `Bearer ${token}` };
      },
    };
  }
}
