import { z } from 'zod';
import {
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../../core/channels/channel-sender.js';
import {
  GuardedFetchError,
  type GuardedHttpClient,
  type GuardedResponse,
} from '../../security/guarded-fetch.js';
import type { ChannelCapabilities, ChannelContext, FetchedMedia } from '../adapter.js';
import { OUTSIDE_WINDOW_REASON, sendErrorOf } from './errors.js';
import { renderWhatsApp } from './render.js';

/** What differs between the Cloud API and 360dialog: where to call and how to sign in. */
export interface WhatsAppTransport {
  /** For error messages: "WhatsApp", "360dialog". */
  readonly label: string;
  /** `/messages` of the channel's number; throws ChannelSendError when misconfigured. */
  messagesUrl(context: ChannelContext): string;
  /** The media id's metadata (its download URL). */
  mediaUrl(context: ChannelContext, mediaId: string): string;
  /** Where to download the file the metadata points at (360dialog proxies Meta's host). */
  downloadUrl(url: string): string;
  /** Credentials as headers; throws ChannelSendError when missing. */
  headers(context: ChannelContext): Record<string, string>;
}

/** Meta's published limits and the 24-hour rule, shared by both providers. */
export function whatsappCapabilities(sendsPerSecond: number): ChannelCapabilities {
  return {
    maxReplyButtons: 3,
    maxListRows: 10,
    // Quick replies become reply buttons (3) or a list (10); more, a numbered menu.
    maxQuickReplies: 10,
    maxCarouselCards: 10,
    customerServiceWindowHours: 24,
    outsideWindowReason: OUTSIDE_WINDOW_REASON,
    sendsPerSecond,
  };
}

const sendAnswer = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const mediaAnswer = z.object({ url: z.url(), mime_type: z.string().optional() });

/** Files up to WhatsApp's largest (documents, 100 MB). */
const MAX_MEDIA_BYTES = 100 * 1024 * 1024;
/** Multi-part sends remembered at most (per process), to resume rather than repeat. */
const MAX_REMEMBERED = 1_000;

/** The WhatsApp `/messages` API and media download, behind either provider's transport. */
export class WhatsAppApi {
  /**
   * Provider ids of the parts already sent of a multi-part message (a carousel): a retry
   * after a failure half-way sends only the rest, so the contact does not get card 1 twice.
   */
  readonly #sentParts = new Map<string, string[]>();

  constructor(
    private readonly http: GuardedHttpClient,
    private readonly transport: WhatsAppTransport,
  ) {}

  async send(context: ChannelContext, message: OutboundMessage): Promise<SendResult> {
    const to = recipientNumber(message);
    const url = this.transport.messagesUrl(context);
    const headers = { 'content-type': 'application/json', ...this.transport.headers(context) };
    const parts = renderWhatsApp(message.content, message.id);
    const sent = this.#sentParts.get(message.id) ?? [];
    for (const [index, part] of parts.entries()) {
      if (sent[index] !== undefined) continue;
      const body = JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        ...part,
      });
      sent[index] = await this.#post(url, headers, body);
      if (parts.length > 1) this.#remember(message.id, sent);
    }
    this.#sentParts.delete(message.id);
    const last = sent[parts.length - 1];
    if (last === undefined) throw new ChannelSendError('Nothing to send.', false);
    // Delivery statuses follow the last part, the one a reply answers.
    return { providerMessageId: last };
  }

  async fetchMedia(context: ChannelContext, mediaId: string): Promise<FetchedMedia> {
    const headers = this.transport.headers(context);
    const meta = await this.http.fetch(this.transport.mediaUrl(context, mediaId), { headers });
    if (meta.status !== 200) {
      throw new Error(`${this.transport.label} media ${mediaId}: HTTP ${String(meta.status)}`);
    }
    const answer = mediaAnswer.parse(JSON.parse(meta.text()));
    const file = await this.http.fetch(this.transport.downloadUrl(answer.url), {
      headers,
      maxResponseBytes: MAX_MEDIA_BYTES,
      timeoutMs: 60_000,
    });
    if (file.status !== 200 || file.truncated) {
      throw new Error(
        `${this.transport.label} media ${mediaId} download: ${file.truncated ? 'too large' : `HTTP ${String(file.status)}`}`,
      );
    }
    const type = file.headers['content-type'];
    return {
      bytes: file.body,
      mime: answer.mime_type ?? (typeof type === 'string' ? type : 'application/octet-stream'),
    };
  }

  async #post(url: string, headers: Record<string, string>, body: string): Promise<string> {
    let response: GuardedResponse;
    try {
      response = await this.http.fetch(url, { method: 'POST', headers, body, timeoutMs: 20_000 });
    } catch (error) {
      // A refused or malformed base URL is configuration, not a passing outage.
      const permanent =
        error instanceof GuardedFetchError &&
        (error.code === 'FORBIDDEN_ADDRESS' || error.code === 'INVALID_URL');
      const reason = error instanceof Error ? error.message : String(error);
      throw new ChannelSendError(`${this.transport.label} unreachable: ${reason}`, !permanent);
    }
    const json = safeJson(response.text());
    if (response.status < 200 || response.status >= 300) {
      throw sendErrorOf(this.transport.label, response.status, json);
    }
    const answer = sendAnswer.safeParse(json);
    if (!answer.success) {
      // Accepted but unidentifiable: retrying could deliver it twice.
      throw new ChannelSendError(`${this.transport.label} answered without a message id`, false);
    }
    return answer.data.messages[0]?.id ?? '';
  }

  #remember(messageId: string, sent: string[]): void {
    this.#sentParts.set(messageId, sent);
    if (this.#sentParts.size > MAX_REMEMBERED) {
      const oldest = this.#sentParts.keys().next();
      if (oldest.done !== true) this.#sentParts.delete(oldest.value);
    }
  }
}

/** The contact's WhatsApp id: digits only, as Meta's `wa_id` (a "+" or spaces are dropped). */
function recipientNumber(message: OutboundMessage): string {
  for (const candidate of [message.recipient.externalId, message.recipient.phone]) {
    if (candidate === null || !/^\+?[\d\s().-]+$/.test(candidate)) continue;
    const digits = candidate.replace(/\D/g, '');
    if (digits.length >= 5 && digits.length <= 15) return digits;
  }
  throw new ChannelSendError('The contact has no WhatsApp number.', false);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
