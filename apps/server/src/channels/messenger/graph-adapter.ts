import {
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../../core/channels/channel-sender.js';
import type { ChannelType } from '../../storage/schema-conversations.js';
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
import type { AdapterDependencies } from '../index.js';
import { inboundEventsOf } from './graph-inbound.js';
import { renderGraphMessage, type GraphVariant } from './graph-render.js';
import { postGraphMessage } from './graph-send.js';
import { messagingEventsOf, verifyGraphWebhook } from './graph-webhook.js';
import { RecentSends } from './recent-sends.js';

const MAX_MEDIA_BYTES = 25 * 1_048_576;

/**
 * Facebook Messenger and Instagram messaging: one Graph API, one webhook format, two
 * providers. Channel: `external_id` is the page id (Messenger) or the Instagram business
 * account id; secrets `page_access_token`, `app_secret`, `verify_token`.
 */
export class GraphMessagingAdapter implements ChannelAdapter {
  readonly provider: GraphVariant;
  readonly channelTypes: readonly ChannelType[];
  readonly capabilities: ChannelCapabilities;
  readonly #recentSends = new RecentSends();

  constructor(
    private readonly variant: GraphVariant,
    private readonly deps: AdapterDependencies,
  ) {
    this.provider = variant;
    this.channelTypes = [variant];
    this.capabilities = {
      maxReplyButtons: 3,
      maxListRows: 13,
      maxQuickReplies: 13,
      maxCarouselCards: 10,
      customerServiceWindowHours: 24,
      outsideWindowReason:
        'Outside the 24-hour window: this person last wrote more than 24 hours ago, and Meta ' +
        'refuses free-form messages until they write again.',
      // Meta publishes no per-page figure for Messenger; Instagram allows far fewer media
      // sends than text ones. Conservative, so a burst never trips the page's rate limits.
      sendsPerSecond: variant === 'messenger' ? 40 : 10,
    };
  }

  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict {
    return verifyGraphWebhook(context, request);
  }

  ack(): WebhookAck {
    return { status: 200, contentType: 'text/plain', body: 'EVENT_RECEIVED' };
  }

  parseInbound(context: ChannelContext, request: ProviderRequest): InboundEvent[] {
    const object = this.variant === 'messenger' ? 'page' : 'instagram';
    const events = messagingEventsOf(request.body, object, context.channel.external_id);
    return inboundEventsOf(events, {
      channelId: context.channel.id,
      recentSends: this.#recentSends,
    });
  }

  async send(context: ChannelContext, message: OutboundMessage): Promise<SendResult> {
    const accessToken = context.secrets.page_access_token ?? '';
    if (accessToken === '')
      throw new ChannelSendError('The channel has no page_access_token secret.', false);
    const parts = renderGraphMessage(message.content, this.variant);
    const startedAt = Date.now();
    let providerMessageId = '';
    for (const [index, part] of parts.entries()) {
      try {
        providerMessageId = await postGraphMessage(this.deps.http, {
          baseUrl: this.deps.config.providerUrls.messenger,
          accessToken,
          recipientId: message.recipient.externalId,
          message: part,
        });
      } catch (error) {
        // Parts already out cannot be unsent; a retry would send them a second time.
        if (index > 0 && error instanceof ChannelSendError) {
          throw new ChannelSendError(
            `Only ${String(index)} of ${String(parts.length)} parts were sent: ${error.message}`,
            false,
          );
        }
        throw error;
      }
    }
    // The last part's id: its delivery and read imply the earlier parts'.
    this.#recentSends.record(
      context.channel.id,
      message.recipient.externalId,
      providerMessageId,
      startedAt,
    );
    return { providerMessageId };
  }

  /** Downloads an attachment by the URL the webhook carried (`mediaId` is that URL). */
  async fetchMedia(_context: ChannelContext, mediaId: string): Promise<FetchedMedia> {
    if (!/^https?:\/\//i.test(mediaId)) throw new Error('A Messenger media id is its URL.');
    const response = await this.deps.http.fetch(mediaId, {
      maxResponseBytes: MAX_MEDIA_BYTES,
      timeoutMs: 60_000,
    });
    if (response.status < 200 || response.status >= 300)
      throw new Error(`The attachment URL answered ${String(response.status)}.`);
    if (response.truncated) throw new Error('The attachment is larger than 25 MiB.');
    const type = response.headers['content-type'];
    const filename = new URL(response.url).pathname.split('/').pop();
    return {
      bytes: response.body,
      mime: type?.split(';')[0]?.trim() ?? 'application/octet-stream',
      ...(filename === undefined || filename === '' ? {} : { filename }),
    };
  }
}

export function createMessengerAdapters(deps: AdapterDependencies): ChannelAdapter[] {
  return [
    new GraphMessagingAdapter('messenger', deps),
    new GraphMessagingAdapter('instagram', deps),
  ];
}
