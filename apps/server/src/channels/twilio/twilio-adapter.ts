import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { ChannelSendError, type OutboundMessage } from '../../core/channels/channel-sender.js';
import type { GuardedHttpClient, GuardedResponse } from '../../security/guarded-fetch.js';
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
import { transportError, twilioSendError } from './errors.js';
import { bareNumber, parseTwilioInbound } from './inbound.js';
import { messageForm, renderTwilio } from './render.js';
import { isValidTwilioRequest, parseForm, type FormParams } from './signature.js';

/**
 * Twilio Programmable Messaging: SMS/MMS and WhatsApp (channel types `sms` and
 * `whatsapp`). Secrets: `account_sid`, `auth_token` (optionally `api_key_sid` +
 * `api_key_secret` to call the API with an API key; webhooks are always signed with the
 * auth token). The channel's `phone_number` is the sender; `config.messaging_service_sid`
 * sends through a Messaging Service instead. See docs/channels/twilio.md.
 */

const sent = z.object({ sid: z.string().min(1) });
const failure = z.object({ code: z.number().optional(), message: z.string().optional() });

/** The largest medium fetched: WhatsApp's 16 MB (MMS is 5 MB). */
const MAX_MEDIA_BYTES = 16 * 1_048_576;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function formOf(request: ProviderRequest): FormParams {
  const type = request.headers['content-type'] ?? '';
  return request.method === 'POST' && type.includes('application/x-www-form-urlencoded')
    ? parseForm(request.body.toString('utf8'))
    : [];
}

function configString(context: ChannelContext, key: string): string | null {
  const value = context.config[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export class TwilioAdapter implements ChannelAdapter {
  readonly provider = 'twilio';
  readonly channelTypes = ['sms', 'whatsapp'] as const;
  readonly capabilities: ChannelCapabilities = {
    // Nothing interactive: buttons, lists and carousels are numbered text menus.
    maxReplyButtons: 0,
    maxListRows: 0,
    maxQuickReplies: 0,
    maxCarouselCards: 0,
    // WhatsApp's window is enforced by Twilio (error 63016, explained to the sender).
    customerServiceWindowHours: null,
    // Twilio queues per sender itself; this only keeps bursts under the API's own limits.
    sendsPerSecond: 10,
  };

  readonly #baseUrl: string;

  constructor(
    private readonly http: GuardedHttpClient,
    private readonly config: Pick<Config, 'publicUrl' | 'providerUrls'>,
  ) {
    this.#baseUrl = config.providerUrls.twilio;
  }

  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict {
    const authToken = context.secrets.auth_token ?? '';
    if (authToken === '') {
      return { kind: 'reject', status: 401, reason: 'the channel has no auth_token' };
    }
    const signed = isValidTwilioRequest(authToken, {
      url: request.url,
      signature: request.headers['x-twilio-signature'] ?? '',
      params: formOf(request),
      body: request.body,
    });
    return signed
      ? { kind: 'accept' }
      : { kind: 'reject', status: 403, reason: 'X-Twilio-Signature does not match' };
  }

  ack(): WebhookAck {
    // Empty TwiML: "received, nothing to answer now" (replies go out through the API).
    return { status: 200, contentType: 'text/xml', body: EMPTY_TWIML };
  }

  parseInbound(_context: ChannelContext, request: ProviderRequest): InboundEvent[] {
    return parseTwilioInbound(formOf(request));
  }

  async send(
    context: ChannelContext,
    message: OutboundMessage,
  ): Promise<{ providerMessageId: string }> {
    const { channel } = context;
    const accountSid = context.secrets.account_sid ?? '';
    const whatsapp = channel.type === 'whatsapp';
    const address = (number: string) => (whatsapp ? `whatsapp:${bareNumber(number)}` : number);
    const recipient = message.recipient.phone ?? message.recipient.externalId;
    const service = configString(context, 'messaging_service_sid');
    if (accountSid === '') {
      throw new ChannelSendError('The Twilio channel has no account_sid secret.', false);
    }
    if (channel.phone_number === null && service === null) {
      throw new ChannelSendError(
        'The Twilio channel has neither a phone_number nor config.messaging_service_sid.',
        false,
      );
    }
    const form = messageForm(
      renderTwilio(message.content, channel.type),
      {
        to: address(recipient),
        from: channel.phone_number === null ? null : address(channel.phone_number),
        service,
      },
      `${this.config.publicUrl}/webhooks/channels/${channel.public_key}`,
    );
    const url = `${this.#baseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    let response: GuardedResponse;
    try {
      response = await this.http.fetch(url, {
        method: 'POST',
        headers: {
          authorization: this.#authorization(context),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: 15_000,
      });
    } catch (error) {
      throw transportError('Twilio', error);
    }
    const json = parseJson(response.text());
    if (response.status >= 200 && response.status < 300) {
      const parsed = sent.safeParse(json);
      if (parsed.success) return { providerMessageId: parsed.data.sid };
      // Accepted but unreadable: retrying could send it twice, so it is not retried.
      throw new ChannelSendError('Twilio accepted the message but returned no sid.', false);
    }
    const error = failure.catch({}).parse(json);
    throw twilioSendError(response.status, error.code, error.message);
  }

  /** `mediaId` is the `MediaUrlN` of an incoming message (an api.twilio.com URL). */
  async fetchMedia(context: ChannelContext, mediaId: string): Promise<FetchedMedia> {
    // The account's credentials go only to Twilio's own API, never to another host.
    if (!URL.canParse(mediaId) || new URL(mediaId).origin !== new URL(this.#baseUrl).origin) {
      throw new ChannelSendError('Not a Twilio media URL.', false);
    }
    let response: GuardedResponse;
    try {
      response = await this.http.fetch(mediaId, {
        headers: { authorization: this.#authorization(context) },
        maxResponseBytes: MAX_MEDIA_BYTES,
        timeoutMs: 30_000,
      });
    } catch (error) {
      throw transportError('Twilio', error);
    }
    if (response.status !== 200) {
      const error = failure.catch({}).parse(parseJson(response.text()));
      throw twilioSendError(response.status, error.code, error.message);
    }
    if (response.truncated) throw new ChannelSendError('The medium is larger than 16 MB.', false);
    const type = response.headers['content-type'];
    return {
      bytes: response.body,
      mime:
        typeof type === 'string' ? (type.split(';')[0] ?? type).trim() : 'application/octet-stream',
    };
  }

  /** HTTP basic auth: an API key when the channel has one, else the account SID and token. */
  #authorization(context: ChannelContext): string {
    const { secrets } = context;
    const keySid = secrets.api_key_sid ?? '';
    const user = keySid === '' ? (secrets.account_sid ?? '') : keySid;
    const password = keySid === '' ? (secrets.auth_token ?? '') : (secrets.api_key_secret ?? '');
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
