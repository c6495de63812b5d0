import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { GuardedFetchError } from '../../security/guarded-fetch.js';

/**
 * Twilio's error codes (https://www.twilio.com/docs/api/errors) as Parley acts on them:
 * a few mean "later" (rate limits, Twilio's own outages, a full sender queue), the rest
 * mean "never like this". The common permanent ones get a sentence an agent can act on.
 */

/** Worth retrying: rate limited, Twilio-side failures, queue overflow. */
const RETRYABLE_CODES = new Set([
  14107, // message rate limit exceeded
  20429, // too many requests
  20500, // internal server error
  20503, // service unavailable
  30001, // queue overflow: the sender's queue is full
]);

const EXPLANATIONS: Readonly<Record<number, string>> = {
  20003: 'Twilio refused the credentials: check the channel\'s "account_sid" and "auth_token".',
  21211: 'The recipient\'s number is not a valid phone number ("To").',
  21408: "The Twilio account is not permitted to send to the recipient's country or region.",
  21606: 'The channel\'s number cannot send to this recipient ("From" is not message-capable).',
  21610:
    'The recipient has unsubscribed (replied STOP): nothing can be sent until they reply START.',
  21614: "The recipient's number is not a mobile number.",
  30002: 'The Twilio account is suspended.',
  30003: "The recipient's handset is unreachable.",
  30005: "The recipient's number is unknown or no longer exists.",
  30006: "The recipient's number is a landline or cannot receive messages.",
  30007: 'The carrier filtered the message (blocked as spam or unregistered traffic).',
  63016:
    'WhatsApp: outside the 24-hour customer service window only an approved template can be ' +
    'sent; send a template (by its Twilio Content SID) instead of a free-form message.',
};

/** "Twilio error 21211: …", with Parley's explanation when the code is a known one. */
export function describeTwilioError(code: number | undefined, message: string | undefined): string {
  const explanation = code === undefined ? undefined : EXPLANATIONS[code];
  const text = explanation ?? message ?? 'unknown error';
  return code === undefined ? `Twilio error: ${text}` : `Twilio error ${String(code)}: ${text}`;
}

/** The send error for an answer of the Messages API that was not a 2xx. */
export function twilioSendError(
  httpStatus: number,
  code: number | undefined,
  message: string | undefined,
): ChannelSendError {
  const retryable =
    httpStatus === 429 || httpStatus >= 500 || (code !== undefined && RETRYABLE_CODES.has(code));
  const description = describeTwilioError(code, message ?? `HTTP ${String(httpStatus)}`);
  return new ChannelSendError(description, retryable);
}

/**
 * A request that never got an answer: transport failures and timeouts are retried; a
 * refused or invalid target is a configuration error that retrying cannot fix.
 */
export function transportError(provider: string, error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const permanent =
    error instanceof GuardedFetchError &&
    (error.code === 'FORBIDDEN_ADDRESS' || error.code === 'INVALID_URL');
  return new ChannelSendError(`${provider} unreachable: ${message}`, !permanent);
}
