import { z } from 'zod';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { GuardedFetchError, type GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { GraphMessage } from './graph-render.js';

/** `{"error": {...}}`: how every Graph API failure is reported. */
const graphErrorSchema = z.object({
  error: z.object({
    message: z.string().default(''),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
  }),
});

const sendAnswerSchema = z.object({ message_id: z.string().min(1) });

/** Codes that mean "later": rate limits (4 app, 17 user, 32 page, 613 calls), 1/2 transient. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 613]);
/** Error subcode: the person last wrote more than 24 hours ago. */
const OUTSIDE_WINDOW = 2_018_278;

/**
 * A Graph failure as a ChannelSendError. Retryable: transport failures, 5xx and 429, and
 * the rate-limit and temporary codes whatever the status. Permanent: everything else,
 * notably 100 (invalid parameter / no such person), 10 and 200 (permission), 190 (token),
 * 551 (the person is unavailable) and the 24-hour window (10 / 2018278).
 */
export function graphSendError(status: number, body: string): ChannelSendError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = graphErrorSchema.safeParse(json);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code;
  const detail = error === undefined ? `HTTP ${String(status)}` : describe(error);
  if (error?.error_subcode === OUTSIDE_WINDOW) {
    return new ChannelSendError(
      'Outside the 24-hour window: this person last wrote more than 24 hours ago, and Meta ' +
        `refuses free-form messages until they write again (${detail}).`,
      false,
    );
  }
  if (code === 551) return new ChannelSendError(`The person is unavailable (${detail}).`, false);
  if (code === 190)
    return new ChannelSendError(`The page access token is invalid (${detail}).`, false);
  if (code !== undefined && RETRYABLE_CODES.has(code))
    return new ChannelSendError(`Graph API: ${detail}`, true);
  return new ChannelSendError(`Graph API: ${detail}`, status >= 500 || status === 429);
}

function describe(error: { message: string; code?: number; error_subcode?: number }): string {
  const codes = [error.code, error.error_subcode].filter((value) => value !== undefined);
  return `${error.message || 'error'}${codes.length === 0 ? '' : ` (${codes.join('/')})`}`;
}

/**
 * One Send API request: POST {base}/me/messages with the page access token. The token
 * is in the query string, as Meta documents it; it never appears in an error message.
 */
export async function postGraphMessage(
  http: GuardedHttpClient,
  request: {
    readonly baseUrl: string;
    readonly accessToken: string;
    readonly recipientId: string;
    readonly message: GraphMessage;
  },
): Promise<string> {
  const url = new URL(`${request.baseUrl}/me/messages`);
  url.searchParams.set('access_token', request.accessToken);
  const body = JSON.stringify({
    recipient: { id: request.recipientId },
    // Parley answers people who wrote to it; outside the window Meta refuses (see above).
    messaging_type: 'RESPONSE',
    message: request.message,
  });
  let response;
  try {
    response = await http.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  } catch (error) {
    const refused =
      error instanceof GuardedFetchError &&
      (error.code === 'FORBIDDEN_ADDRESS' || error.code === 'INVALID_URL');
    const reason = error instanceof Error ? error.message : String(error);
    throw new ChannelSendError(`The Graph API could not be reached: ${reason}`, !refused);
  }
  const text = response.text();
  if (response.status < 200 || response.status >= 300) throw graphSendError(response.status, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const answer = sendAnswerSchema.safeParse(json);
  // A 2xx means Meta took the message: trying again would send it twice.
  if (!answer.success)
    throw new ChannelSendError('The Graph API answered 2xx without a message_id.', false);
  return answer.data.message_id;
}
