import { z } from 'zod';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import type { GuardedHttpClient, GuardedResponse } from '../../security/guarded-fetch.js';
import { transportError } from '../twilio/errors.js';

/**
 * The Telegram Bot API (https://core.telegram.org/bots/api): `POST {base}/bot<token>/<method>`
 * with a JSON body, answered `{ok: true, result}` or `{ok: false, error_code, description,
 * parameters: {retry_after}}`; files at `{base}/file/bot<token>/<file_path>`. The token is
 * part of every URL, so it is scrubbed from any error text before that text is stored.
 */

const answer = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

/** Telegram's refusals: 429 (flood control) and 5xx pass with time; 400/401/403 do not. */
export function telegramError(
  status: number,
  description: string | undefined,
  retryAfter: number | undefined,
): ChannelSendError {
  const text = description ?? `HTTP ${String(status)}`;
  if (status === 429) {
    const wait = retryAfter === undefined ? '' : ` (retry after ${String(retryAfter)} s)`;
    return new ChannelSendError(`Telegram rate limit: ${text}${wait}`, true);
  }
  if (status >= 500) return new ChannelSendError(`Telegram error ${String(status)}: ${text}`, true);
  if (status === 403) {
    // "Forbidden: bot was blocked by the user", "…user is deactivated", "…kicked from the group".
    return new ChannelSendError(`Telegram refused: ${text}`, false);
  }
  if (status === 401 || status === 404) {
    return new ChannelSendError(`Telegram refused the bot token: ${text}`, false);
  }
  return new ChannelSendError(`Telegram error ${String(status)}: ${text}`, false);
}

export class TelegramBotApi {
  constructor(
    private readonly http: GuardedHttpClient,
    private readonly baseUrl: string,
    private readonly token: string,
  ) {
    if (token === '')
      throw new ChannelSendError('The Telegram channel has no bot_token secret.', false);
  }

  /** Calls a method; the `result` is parsed with `schema`. Throws ChannelSendError. */
  async call<T>(method: string, params: object, schema: z.ZodType<T>): Promise<T> {
    const response = await this.#request(`${this.baseUrl}/bot${this.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      timeoutMs: 15_000,
    });
    const parsed = answer.safeParse(parseJson(response.text()));
    if (!parsed.success) {
      // No Bot API answer at all (a proxy's error page): transient when the status says so.
      throw telegramError(response.status, `unexpected answer to ${method}`, undefined);
    }
    const { ok, result, error_code, description, parameters } = parsed.data;
    if (!ok || response.status >= 300) {
      throw telegramError(error_code ?? response.status, description, parameters?.retry_after);
    }
    const value = schema.safeParse(result);
    if (!value.success) {
      throw new ChannelSendError(`Telegram answered ${method} with an unexpected result.`, false);
    }
    return value.data;
  }

  /** Downloads a file by the `file_path` getFile returned (Bot API limit: 20 MB). */
  async download(filePath: string): Promise<GuardedResponse> {
    const path = filePath.split('/').map(encodeURIComponent).join('/');
    const response = await this.#request(`${this.baseUrl}/file/bot${this.token}/${path}`, {
      maxResponseBytes: 20 * 1_048_576,
      timeoutMs: 30_000,
    });
    if (response.status !== 200)
      throw telegramError(response.status, 'file download failed', undefined);
    return response;
  }

  async #request(
    url: string,
    init: Parameters<GuardedHttpClient['fetch']>[1],
  ): Promise<GuardedResponse> {
    try {
      return await this.http.fetch(url, init);
    } catch (error) {
      const failed = transportError('Telegram', error);
      throw new ChannelSendError(
        failed.message.replaceAll(this.token, '<token>'),
        failed.retryable,
      );
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
