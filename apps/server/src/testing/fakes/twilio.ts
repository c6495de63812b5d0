import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import twilio from 'twilio';
import {
  fetchTransport,
  listenOnLoopback,
  readBody,
  type WebhookTransport,
} from './webhook-transport.js';

/**
 * A Twilio stand-in on 127.0.0.1 speaking the real protocol: the Messages API
 * (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, basic auth, 201 with
 * the Message resource or Twilio's `{code, message, more_info, status}` errors), media
 * URLs that need the account's credentials and redirect to the file (as Twilio's do),
 * and signed webhooks (incoming messages, status callbacks) signed by the official
 * `twilio` library, so Parley's check is held against Twilio's own algorithm.
 */

export interface SentTwilioMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: string;
  readonly mediaUrls: readonly string[];
  readonly statusCallback: string | null;
  /** Every form parameter as sent (repeated names joined by commas). */
  readonly params: Readonly<Record<string, string>>;
}

export interface TwilioFailure {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export class FakeTwilio {
  readonly accountSid = sid('AC');
  readonly authToken = randomBytes(16).toString('hex');
  readonly sent: SentTwilioMessage[] = [];
  /** Authorization headers of media requests, in order. */
  readonly mediaRequests: (string | undefined)[] = [];
  /** Answers for the next sends, in order (then success again). */
  readonly failures: TwilioFailure[] = [];
  transport: WebhookTransport = fetchTransport;
  readonly #media = new Map<string, { bytes: Buffer; mime: string }>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeTwilio> {
    const holder: { fake?: FakeTwilio } = {};
    const server = http.createServer((request, response) => {
      void holder.fake?.handle(request, response);
    });
    holder.fake = new FakeTwilio(server, await listenOnLoopback(server));
    return holder.fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** A medium of an incoming MMS: its MediaUrl (under this account, credentials needed). */
  addMedia(bytes: Buffer, mime: string): string {
    const mediaSid = sid('ME');
    this.#media.set(mediaSid, { bytes, mime });
    return `${this.url}/2010-04-01/Accounts/${this.accountSid}/Messages/${sid('MM')}/Media/${mediaSid}`;
  }

  /** The signature Twilio would send for this URL and form (official library). */
  sign(url: string, params: Record<string, string>): string {
    return twilio.getExpectedTwilioSignature(this.authToken, url, params);
  }

  /** POSTs a signed form to `url` as Twilio does; `signature` overrides the real one. */
  async post(url: string, params: Record<string, string>, signature?: string) {
    return this.transport(url, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature ?? this.sign(url, params),
        'i-twilio-idempotency-token': randomBytes(8).toString('hex'),
      },
      body: new URLSearchParams(params).toString(),
    });
  }

  /** The form of an incoming message as Twilio posts it (SMS, or WhatsApp for `whatsapp:`). */
  incoming(message: {
    from: string;
    to: string;
    body?: string;
    media?: readonly { url: string; mime: string }[];
    extra?: Record<string, string>;
  }): Record<string, string> {
    const messageSid = sid(message.media === undefined ? 'SM' : 'MM');
    const whatsapp = message.from.startsWith('whatsapp:');
    const params: Record<string, string> = {
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: messageSid,
      NumMedia: String(message.media?.length ?? 0),
      ToCity: 'SAN FRANCISCO',
      FromZip: '94105',
      SmsSid: messageSid,
      FromState: 'CA',
      SmsStatus: 'received',
      FromCity: 'SAN FRANCISCO',
      Body: message.body ?? '',
      FromCountry: 'US',
      To: message.to,
      ToZip: '94105',
      NumSegments: '1',
      MessageSid: messageSid,
      AccountSid: this.accountSid,
      From: message.from,
      ApiVersion: '2010-04-01',
      ...(whatsapp
        ? {
            ProfileName: 'Ada Lovelace',
            WaId: message.from.replace(/\D/g, ''),
            MessageType: 'text',
          }
        : {}),
      ...message.extra,
    };
    message.media?.forEach((medium, i) => {
      params[`MediaUrl${String(i)}`] = medium.url;
      params[`MediaContentType${String(i)}`] = medium.mime;
    });
    return params;
  }

  /** Posts the status callback Twilio would send for a sent message. */
  async reportStatus(message: SentTwilioMessage, status: string, errorCode?: number) {
    if (message.statusCallback === null) throw new Error('the message has no StatusCallback');
    return this.post(message.statusCallback, {
      SmsSid: message.sid,
      SmsStatus: status,
      MessageStatus: status,
      To: message.to,
      MessageSid: message.sid,
      AccountSid: message.accountSid,
      From: message.from ?? '',
      ApiVersion: '2010-04-01',
      ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', this.url).pathname;
    const content = /^\/media-content\/(ME[0-9a-f]{32})$/.exec(path);
    if (content !== null && request.method === 'GET') {
      const medium = this.#media.get(content[1] ?? '');
      if (medium === undefined) {
        reply(response, 404, { code: 20404, message: 'Not found' });
        return;
      }
      response.writeHead(200, { 'content-type': medium.mime }).end(medium.bytes);
      return;
    }
    const api = /^\/2010-04-01\/Accounts\/([^/]+)\/(.+)$/.exec(path);
    if (api === null) {
      reply(response, 404, { code: 20404, message: 'Not found' });
      return;
    }
    if (!this.authorized(request.headers.authorization, api[1] ?? '')) {
      reply(response, 401, { code: 20003, message: 'Authenticate' });
      return;
    }
    const media = /^Messages\/MM[0-9a-f]{32}\/Media\/(ME[0-9a-f]{32})$/.exec(api[2] ?? '');
    if (media !== null && request.method === 'GET') {
      this.mediaRequests.push(request.headers.authorization);
      // Twilio answers media URLs with a redirect to the stored file.
      response.writeHead(307, { location: `/media-content/${media[1] ?? ''}` }).end();
      return;
    }
    if (api[2] === 'Messages.json' && request.method === 'POST') {
      this.createMessage(new URLSearchParams(raw.toString('utf8')), response);
      return;
    }
    reply(response, 404, { code: 20404, message: 'Not found' });
  }

  private authorized(header: string | undefined, accountSid: string): boolean {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    return accountSid === this.accountSid && header === expected;
  }

  private createMessage(form: URLSearchParams, response: ServerResponse): void {
    const failure = this.failures.shift();
    if (failure !== undefined) {
      reply(response, failure.status, failure);
      return;
    }
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    if (to === '') {
      reply(response, 400, { code: 21604, message: "A 'To' phone number is required." });
      return;
    }
    if (!/^(whatsapp:)?\+[1-9]\d{4,14}$/.test(to)) {
      reply(response, 400, {
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
      });
      return;
    }
    if (from === null && service === null) {
      reply(response, 400, { code: 21603, message: "A 'From' phone number is required." });
      return;
    }
    if (body === '' && mediaUrls.length === 0 && form.get('ContentSid') === null) {
      reply(response, 400, { code: 21602, message: 'Message body is required.' });
      return;
    }
    if (body.length > 1_600) {
      reply(response, 400, {
        code: 21617,
        message: 'The concatenated message body exceeds the 1600 character limit.',
      });
      return;
    }
    const params: Record<string, string> = {};
    for (const name of new Set(form.keys())) params[name] = form.getAll(name).join(',');
    const message: SentTwilioMessage = {
      sid: sid(mediaUrls.length === 0 ? 'SM' : 'MM'),
      accountSid: this.accountSid,
      to,
      from,
      messagingServiceSid: service,
      body,
      mediaUrls,
      statusCallback: form.get('StatusCallback'),
      params,
    };
    this.sent.push(message);
    const now = new Date().toUTCString();
    reply(response, 201, {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: service,
      num_media: String(mediaUrls.length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status: 'queued',
      subresource_uris: {
        media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}/Media.json`,
      },
      to,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}.json`,
    });
  }
}

function reply(response: ServerResponse, status: number, body: object): void {
  const error =
    status >= 400 && 'code' in body
      ? { ...body, more_info: `https://www.twilio.com/docs/errors/${String(body.code)}`, status }
      : body;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(error));
}
