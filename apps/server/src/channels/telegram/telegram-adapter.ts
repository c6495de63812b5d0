import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { ChannelSendError, type OutboundMessage } from '../../core/channels/channel-sender.js';
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
import { TelegramBotApi } from './bot-api.js';
import { callbackQueryId, parseTelegramUpdate } from './inbound.js';
import { renderTelegram } from './render.js';

/**
 * Telegram bots (channel type `telegram`). Secrets: `bot_token` (from @BotFather) and
 * `secret_token` (1–256 of A-Z a-z 0-9 _ -, chosen by the operator): Telegram sends it in
 * X-Telegram-Bot-Api-Secret-Token on every webhook once `registerWebhook` (setWebhook)
 * has told it to. See docs/channels/telegram.md.
 */

const sentMessage = z.object({ message_id: z.number(), chat: z.object({ id: z.number() }) });
const fileInfo = z.object({ file_id: z.string(), file_path: z.string().optional() });

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  webm: 'video/webm',
};

function sameSecret(expected: string, actual: string): boolean {
  // Digests first: equal lengths for timingSafeEqual, whatever the header's length.
  const left = createHash('sha256').update(expected).digest();
  const right = createHash('sha256').update(actual).digest();
  return timingSafeEqual(left, right);
}

export class TelegramAdapter implements ChannelAdapter {
  readonly provider = 'telegram';
  readonly channelTypes = ['telegram'] as const;
  readonly capabilities: ChannelCapabilities = {
    // Inline keyboards take up to 100 buttons.
    maxReplyButtons: 100,
    maxListRows: 100,
    maxQuickReplies: 100,
    maxCarouselCards: 10,
    customerServiceWindowHours: null,
    // Telegram's broadcast limit: about 30 messages per second per bot.
    sendsPerSecond: 30,
  };

  constructor(
    private readonly http: GuardedHttpClient,
    private readonly config: Pick<Config, 'providerUrls'>,
  ) {}

  #api(context: ChannelContext): TelegramBotApi {
    return new TelegramBotApi(
      this.http,
      this.config.providerUrls.telegram,
      context.secrets.bot_token ?? '',
    );
  }

  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict {
    const expected = context.secrets.secret_token ?? '';
    if (expected === '') {
      return { kind: 'reject', status: 401, reason: 'the channel has no secret_token' };
    }
    const actual = request.headers['x-telegram-bot-api-secret-token'] ?? '';
    return sameSecret(expected, actual)
      ? { kind: 'accept' }
      : { kind: 'reject', status: 403, reason: 'X-Telegram-Bot-Api-Secret-Token does not match' };
  }

  /**
   * A tapped inline button shows a spinner until the bot answers the callback query. The
   * answer rides on the webhook response (a Bot API call Telegram makes for us), so the
   * spinner stops at once, whatever the bot then takes to reply.
   */
  ack(request: ProviderRequest): WebhookAck {
    const id = callbackQueryId(request.body);
    return id === undefined
      ? { status: 200, contentType: 'text/plain', body: 'ok' }
      : {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ method: 'answerCallbackQuery', callback_query_id: id }),
        };
  }

  parseInbound(_context: ChannelContext, request: ProviderRequest): InboundEvent[] {
    return parseTelegramUpdate(request.body);
  }

  async send(
    context: ChannelContext,
    message: OutboundMessage,
  ): Promise<{ providerMessageId: string }> {
    const api = this.#api(context);
    const chatId = message.recipient.externalId;
    const calls = renderTelegram(message.content);
    let first: string | undefined;
    for (const call of calls) {
      try {
        const sent = await api.call(call.method, { chat_id: chatId, ...call.params }, sentMessage);
        first ??= `${String(sent.chat.id)}:${String(sent.message_id)}`;
      } catch (error) {
        // Part of a multi-message rendering went out: a retry would repeat it, so stop here.
        if (first !== undefined && error instanceof ChannelSendError) {
          throw new ChannelSendError(`Sent in part, then: ${error.message}`, false);
        }
        throw error;
      }
    }
    if (first === undefined) throw new ChannelSendError('Nothing to send.', false);
    return { providerMessageId: first };
  }

  /** `mediaId` is a Telegram file_id: getFile, then the file download. */
  async fetchMedia(context: ChannelContext, mediaId: string): Promise<FetchedMedia> {
    const api = this.#api(context);
    const info = await api.call('getFile', { file_id: mediaId }, fileInfo);
    if (info.file_path === undefined) {
      throw new ChannelSendError('Telegram has no download for this file (over 20 MB).', false);
    }
    const response = await api.download(info.file_path);
    if (response.truncated) throw new ChannelSendError('The file is larger than 20 MB.', false);
    const filename = info.file_path.split('/').at(-1) ?? info.file_path;
    const extension = filename.includes('.') ? (filename.split('.').at(-1) ?? '') : '';
    const type = response.headers['content-type'];
    const served = typeof type === 'string' ? (type.split(';')[0] ?? '').trim() : '';
    // Telegram often serves application/octet-stream: the extension says more.
    const mime =
      MIME_BY_EXTENSION[extension.toLowerCase()] ??
      (served === '' ? 'application/octet-stream' : served);
    return { bytes: response.body, mime, filename };
  }

  /** setWebhook: Telegram posts updates to `url` with the channel's secret token. */
  async registerWebhook(context: ChannelContext, url: string): Promise<void> {
    const secret = context.secrets.secret_token ?? '';
    if (!SECRET_TOKEN.test(secret)) {
      throw new ChannelSendError(
        'The channel needs a secret_token of 1 to 256 characters A-Z, a-z, 0-9, _ or -.',
        false,
      );
    }
    await this.#api(context).call(
      'setWebhook',
      { url, secret_token: secret, allowed_updates: ['message', 'callback_query'] },
      z.literal(true),
    );
  }
}
