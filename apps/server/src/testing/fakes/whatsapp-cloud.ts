import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { z } from 'zod';

/** One request as the fake received it. */
export interface WhatsAppRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** One accepted `/messages` call: the payload and the wamid the fake answered with. */
export interface WhatsAppSend {
  readonly path: string;
  readonly payload: Record<string, unknown>;
  readonly wamid: string;
  readonly at: number;
}

/** An error answered instead of the next send: Graph's `{"error":{…}}` with an HTTP status. */
export interface GraphFailure {
  readonly status: number;
  readonly code: number;
  readonly message?: string;
  readonly details?: string;
}

const sendPayload = z.object({
  messaging_product: z.literal('whatsapp'),
  to: z.string().regex(/^\d{5,15}$/),
  type: z.string(),
});

/** Paths under which the fake plays 360dialog (`D360-API-KEY`) rather than Graph (Bearer). */
export const D360_PREFIX = '/d360';

/**
 * A fake WhatsApp Cloud API on loopback, shaped like Graph (developers.facebook.com/docs/
 * whatsapp/cloud-api): `POST /v21.0/{phone-number-id}/messages` answers
 * `{"messaging_product","contacts":[{input,wa_id}],"messages":[{id:"wamid…"}]}`, a
 * malformed payload or bad token answers Graph's error envelope, `GET /v21.0/{media-id}`
 * answers the media URL, which serves the bytes to the same bearer token;
 * `GET /v21.0/{waba-id}/message_templates` pages the templates. Under `/d360` it is
 * 360dialog: the same, with `D360-API-KEY` instead of the bearer token.
 */
export class FakeWhatsAppCloud {
  readonly requests: WhatsAppRequest[] = [];
  readonly sends: WhatsAppSend[] = [];
  /** How the next `/messages` requests are answered, in order: a failure, or null for success. */
  readonly failures: (GraphFailure | null)[] = [];
  readonly media = new Map<string, { bytes: Buffer; mime: string }>();
  templates: unknown[] = [];
  /** The webhook URL last set through 360dialog's `/v1/configs/webhook`. */
  d360Webhook: string | undefined;
  accessToken = 'test-access-token';
  d360Key = 'test-d360-key';
  readonly #server: http.Server;
  readonly #origin: string;

  private constructor(server: http.Server, origin: string) {
    this.#server = server;
    this.#origin = origin;
  }

  static async start(): Promise<FakeWhatsAppCloud> {
    const holder: { fake?: FakeWhatsAppCloud } = {};
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        holder.fake?.handle(
          {
            method: request.method ?? 'GET',
            path: request.url ?? '/',
            headers: request.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            at: Date.now(),
          },
          response,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const fake = new FakeWhatsAppCloud(server, `http://127.0.0.1:${String(port)}`);
    holder.fake = fake;
    return fake;
  }

  /** PARLEY_WHATSAPP_API_URL. */
  get url(): string {
    return `${this.#origin}/v21.0`;
  }

  /** PARLEY_D360_API_URL. */
  get d360Url(): string {
    return `${this.#origin}${D360_PREFIX}`;
  }

  /** Payloads of the accepted sends, oldest first. */
  payloads(): Record<string, unknown>[] {
    return this.sends.map((send) => send.payload);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
      this.#server.closeAllConnections();
    });
  }

  private handle(request: WhatsAppRequest, response: ServerResponse): void {
    this.requests.push(request);
    const d360 = request.path.startsWith(`${D360_PREFIX}/`);
    const path = d360 ? request.path.slice(D360_PREFIX.length) : request.path;
    const authorized = d360
      ? request.headers['d360-api-key'] === this.d360Key
      : request.headers.authorization === `Bearer ${this.accessToken}`;
    if (!authorized) {
      graphError(response, { status: 401, code: 190, message: 'Invalid OAuth access token.' });
      return;
    }
    const url = new URL(path, this.#origin);
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    if (request.method === 'POST' && segments.at(-1) === 'messages') {
      this.#send(request, response);
      return;
    }
    if (request.method === 'POST' && d360 && url.pathname === '/v1/configs/webhook') {
      const body = z.object({ url: z.url() }).safeParse(parseJson(request.body));
      if (!body.success) {
        graphError(response, { status: 400, code: 100, message: 'url is required' });
        return;
      }
      this.d360Webhook = body.data.url;
      json(response, 200, { url: body.data.url });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/whatsapp_business/attachments/') {
      const file = this.media.get(url.searchParams.get('mid') ?? '');
      if (file === undefined) {
        graphError(response, { status: 404, code: 100, message: 'Unknown media' });
        return;
      }
      response.writeHead(200, { 'content-type': file.mime });
      response.end(file.bytes);
      return;
    }
    if (request.method === 'GET' && segments.at(-1) === 'message_templates') {
      json(response, 200, { data: this.templates, paging: { cursors: { before: '', after: '' } } });
      return;
    }
    const mediaId = segments.at(-1) ?? '';
    const file = request.method === 'GET' ? this.media.get(mediaId) : undefined;
    if (file === undefined) {
      graphError(response, { status: 400, code: 100, message: 'Unsupported request' });
      return;
    }
    // Meta's lookaside host, here the fake itself (360dialog is asked to proxy it).
    json(response, 200, {
      messaging_product: 'whatsapp',
      url: `${this.#origin}/whatsapp_business/attachments/?mid=${encodeURIComponent(mediaId)}&ext=1`,
      mime_type: file.mime,
      sha256: 'ignored',
      file_size: file.bytes.length,
      id: mediaId,
    });
  }

  #send(request: WhatsAppRequest, response: ServerResponse): void {
    const failure = this.failures.shift();
    if (failure !== undefined && failure !== null) {
      graphError(response, failure);
      return;
    }
    const payload = parseJson(request.body);
    const parsed = sendPayload.safeParse(payload);
    const typed = z.record(z.string(), z.unknown()).safeParse(payload);
    if (!parsed.success || !typed.success || typed.data[parsed.data.type] === undefined) {
      graphError(response, {
        status: 400,
        code: 100,
        message: '(#100) Invalid parameter',
        details: parsed.success ? `missing ${parsed.data.type} object` : parsed.error.message,
      });
      return;
    }
    const wamid = `wamid.${randomBytes(18).toString('base64url')}`;
    this.sends.push({ path: request.path, payload: typed.data, wamid, at: request.at });
    json(response, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: parsed.data.to, wa_id: parsed.data.to }],
      messages: [{ id: wamid }],
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function graphError(response: ServerResponse, failure: GraphFailure): void {
  json(response, failure.status, {
    error: {
      message: failure.message ?? `(#${String(failure.code)}) error`,
      type: 'OAuthException',
      code: failure.code,
      ...(failure.details === undefined
        ? {}
        : { error_data: { messaging_product: 'whatsapp', details: failure.details } }),
      fbtrace_id: 'AbCdEf123',
    },
  });
}
