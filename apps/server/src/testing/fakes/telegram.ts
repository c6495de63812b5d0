import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  fetchTransport,
  listenOnLoopback,
  readBody,
  type WebhookTransport,
} from './webhook-transport.js';

/**
 * A Telegram Bot API stand-in on 127.0.0.1: `POST /bot<token>/<method>` with JSON, answered
 * `{ok, result}` or `{ok: false, error_code, description, parameters}`; getFile and
 * `/file/bot<token>/<path>` downloads; setWebhook recorded, and updates delivered to that
 * webhook with its X-Telegram-Bot-Api-Secret-Token. A method in the webhook's response
 * (answerCallbackQuery) is performed as Telegram does.
 */

export interface BotApiCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface TelegramFailure {
  readonly status: number;
  readonly description: string;
  readonly retryAfter?: number;
}

/** A Message the bot sent, as the API returned it (with its inline keyboard). */
export type BotMessage = Readonly<Record<string, unknown>> & {
  readonly message_id: number;
  readonly chat: { readonly id: number; readonly type?: string };
};

export interface TelegramUser {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
}

const record = z.record(z.string(), z.unknown());
const MEDIA_FIELDS: Readonly<Record<string, string>> = {
  sendPhoto: 'photo',
  sendDocument: 'document',
  sendVideo: 'video',
  sendAudio: 'audio',
  sendVoice: 'voice',
  sendSticker: 'sticker',
};
const SEND_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendSticker',
  'sendLocation',
  'sendVenue',
  'sendContact',
]);

export class FakeTelegram {
  readonly token = `${String(100_000 + Math.floor(Math.random() * 900_000))}:${randomBytes(17).toString('base64url')}`;
  readonly bot = { id: 7_000_001, is_bot: true, first_name: 'Parley Bot', username: 'parley_bot' };
  /** Every Bot API call, in order (webhook-response calls included). */
  readonly calls: BotApiCall[] = [];
  readonly sent: BotMessage[] = [];
  /** Answers for the next calls, in order (then success again). */
  readonly failures: TelegramFailure[] = [];
  /** Chats whose user blocked the bot: sends answer 403. */
  readonly blocked = new Set<number>();
  webhook: { url: string; secretToken: string } | undefined;
  transport: WebhookTransport = fetchTransport;
  readonly #files = new Map<string, { path: string; bytes: Buffer }>();
  #updateId = 100_000;
  #messageId = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeTelegram> {
    const holder: { fake?: FakeTelegram } = {};
    const server = http.createServer((request, response) => {
      void holder.fake?.handle(request, response);
    });
    holder.fake = new FakeTelegram(server, await listenOnLoopback(server));
    return holder.fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** A file users sent: its file_id (getFile answers with `path`). */
  addFile(bytes: Buffer, path: string): string {
    const fileId = `AgAC${randomBytes(12).toString('base64url')}`;
    this.#files.set(fileId, { path, bytes });
    return fileId;
  }

  /** An update with a user's message in their private chat. */
  message(from: TelegramUser, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      update_id: (this.#updateId += 1),
      message: {
        message_id: (this.#messageId += 1),
        from: { ...from, is_bot: false, language_code: 'en' },
        chat: { ...from, type: 'private' },
        date: Math.floor(Date.now() / 1_000),
        ...fields,
      },
    };
  }

  /** An update for a tap on an inline button (`data`) under a message the bot sent. */
  tap(from: TelegramUser, message: BotMessage, data: string): Record<string, unknown> {
    return {
      update_id: (this.#updateId += 1),
      callback_query: {
        id: String(BigInt(from.id) * 1_000_000n + BigInt(this.#updateId)),
        from: { ...from, is_bot: false },
        message,
        chat_instance: '-1234567890',
        data,
      },
    };
  }

  /** Delivers an update to the registered webhook, then performs a method in its answer. */
  async deliver(update: Record<string, unknown>, secretToken?: string) {
    if (this.webhook === undefined) throw new Error('no webhook set (setWebhook)');
    const response = await this.transport(this.webhook.url, {
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': secretToken ?? this.webhook.secretToken,
      },
      body: JSON.stringify(update),
    });
    if (response.status === 200 && response.contentType.startsWith('application/json')) {
      const { method, ...params } = record.parse(JSON.parse(response.body));
      if (typeof method === 'string') this.perform(method, params);
    }
    return response;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', this.url).pathname;
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (file !== null) {
      const stored = [...this.#files.values()].find((entry) => entry.path === file[2]);
      if (file[1] !== this.token || stored === undefined) {
        reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(stored.bytes);
      return;
    }
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (api?.[1] !== this.token) {
      reply(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const params = raw.length === 0 ? {} : record.parse(JSON.parse(raw.toString('utf8')));
    const failure = this.failures.shift();
    if (failure !== undefined) {
      this.calls.push({ method: api[2] ?? '', params });
      reply(response, failure.status, {
        ok: false,
        error_code: failure.status,
        description: failure.description,
        ...(failure.retryAfter === undefined
          ? {}
          : { parameters: { retry_after: failure.retryAfter } }),
      });
      return;
    }
    const { status, body } = this.perform(api[2] ?? '', params);
    reply(response, status, body);
  }

  /** Runs one Bot API method; the answer as the API gives it. */
  private perform(
    method: string,
    params: Record<string, unknown>,
  ): { status: number; body: object } {
    this.calls.push({ method, params });
    const bad = (description: string, status = 400) => ({
      status,
      body: { ok: false, error_code: status, description },
    });
    const ok = (result: unknown) => ({ status: 200, body: { ok: true, result } });
    switch (method) {
      case 'setWebhook':
        if (typeof params.url !== 'string') return bad('Bad Request: bad webhook: URL is empty');
        this.webhook = {
          url: params.url,
          secretToken: typeof params.secret_token === 'string' ? params.secret_token : '',
        };
        return { status: 200, body: { ok: true, result: true, description: 'Webhook was set' } };
      case 'answerCallbackQuery':
        return ok(true);
      case 'getFile': {
        const stored =
          typeof params.file_id === 'string' ? this.#files.get(params.file_id) : undefined;
        if (stored === undefined) return bad('Bad Request: invalid file_id');
        return ok({
          file_id: params.file_id,
          file_unique_id: 'AQAD1234',
          file_size: stored.bytes.length,
          file_path: stored.path,
        });
      }
    }
    if (!SEND_METHODS.has(method)) return bad('Not Found: method not found', 404);
    const chatId = Number(params.chat_id);
    if (!Number.isSafeInteger(chatId)) return bad('Bad Request: chat not found');
    if (this.blocked.has(chatId)) return bad('Forbidden: bot was blocked by the user', 403);
    if (method === 'sendMessage' && (typeof params.text !== 'string' || params.text === '')) {
      return bad('Bad Request: message text is empty');
    }
    const keyboard = z
      .object({ inline_keyboard: z.array(z.array(record)) })
      .safeParse(params.reply_markup);
    const callbackData = keyboard.success
      ? keyboard.data.inline_keyboard.flat().map((button) => button.callback_data)
      : [];
    if (callbackData.some((data) => typeof data === 'string' && Buffer.byteLength(data) > 64)) {
      return bad('Bad Request: BUTTON_DATA_INVALID');
    }
    const fields = { ...params };
    delete fields.chat_id;
    const field = MEDIA_FIELDS[method];
    if (field !== undefined) {
      // The API answers with the stored file, not the URL or id that was sent.
      const stored = { file_id: `BQAC${randomBytes(12).toString('base64url')}`, file_size: 1_024 };
      fields[field] = field === 'photo' ? [{ ...stored, width: 800, height: 600 }] : stored;
    }
    const message: BotMessage = {
      ...fields,
      message_id: (this.#messageId += 1),
      from: this.bot,
      chat: { id: chatId, type: 'private' },
      date: Math.floor(Date.now() / 1_000),
    };
    this.sent.push(message);
    return ok(message);
  }
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
