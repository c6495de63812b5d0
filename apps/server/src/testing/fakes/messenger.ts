import { createHmac } from 'node:crypto';
import http from 'node:http';
import { z } from 'zod';

const sendBody = z.object({
  recipient: z.object({ id: z.string().optional() }).optional(),
  messaging_type: z.string().optional(),
  message: z.record(z.string(), z.unknown()).optional(),
});

/** One Send API call as the fake received it. */
export interface GraphSendCall {
  readonly path: string;
  readonly accessToken: string | null;
  readonly body: {
    readonly recipient?: { readonly id?: string };
    readonly messaging_type?: string;
    readonly message?: Record<string, unknown>;
  };
}

/** An error the fake answers with: Graph's `{"error": {...}}` envelope and an HTTP status. */
export interface GraphFailure {
  readonly status: number;
  readonly code: number;
  readonly subcode?: number;
  readonly message?: string;
}

/**
 * A fake Graph API on loopback speaking the Send API (Messenger Platform docs): POST
 * `/me/messages` or `/{page-id}/messages` with `?access_token=`, answering
 * `{"recipient_id","message_id"}` or a Graph error envelope; GET `/media/<name>` serves
 * bytes as the lookaside CDN does for attachment URLs.
 */
export class FakeGraphApi {
  readonly calls: GraphSendCall[] = [];
  /** Answered in order before any success (one entry per request). */
  readonly failures: GraphFailure[] = [];
  /** Files served under /media/<name>. */
  readonly media = new Map<string, { mime: string; bytes: Buffer }>();
  accessToken = 'page-token';
  #next = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGraphApi> {
    const holder: { fake?: FakeGraphApi } = {};
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        holder.fake?.handle(request, Buffer.concat(chunks), response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const { port } = address;
    const fake = new FakeGraphApi(server, `http://127.0.0.1:${String(port)}/v21.0`);
    holder.fake = fake;
    return fake;
  }

  /** The `message` objects sent, in order. */
  get messages(): Record<string, unknown>[] {
    return this.calls.flatMap((call) =>
      call.body.message === undefined ? [] : [call.body.message],
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const media = /^\/v21\.0\/media\/(.+)$/.exec(url.pathname);
    const file = media === null ? undefined : this.media.get(media[1] ?? '');
    if (request.method === 'GET' && file !== undefined) {
      response.writeHead(200, { 'content-type': file.mime }).end(file.bytes);
      return;
    }
    const [status, answer] = this.answer(request.method ?? 'GET', url, body);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private answer(method: string, url: URL, body: Buffer): [number, unknown] {
    if (method !== 'POST' || !/^\/v21\.0\/[^/]+\/messages$/.test(url.pathname))
      return [404, { error: { message: 'Unknown path', code: 803 } }];
    const accessToken = url.searchParams.get('access_token');
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const checked = sendBody.safeParse(json);
    if (!checked.success) return [400, { error: { message: 'Invalid JSON', code: 100 } }];
    this.calls.push({ path: url.pathname, accessToken, body: checked.data });
    if (accessToken !== this.accessToken) {
      const error = { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 };
      return [401, { error }];
    }
    const failure = this.failures.shift();
    if (failure !== undefined) {
      const error = {
        message: failure.message ?? 'Simulated failure',
        type: 'OAuthException',
        code: failure.code,
        ...(failure.subcode === undefined ? {} : { error_subcode: failure.subcode }),
        fbtrace_id: 'AbCdEfGh',
      };
      return [failure.status, { error }];
    }
    const id = this.#next++;
    return [
      200,
      { recipient_id: checked.data.recipient?.id ?? '', message_id: `m_fake${String(id)}` },
    ];
  }
}

/** `X-Hub-Signature-256` for a body, as Meta computes it. */
export function metaSignature(appSecret: string, body: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** A page webhook (`object: "page"`, or `"instagram"`) carrying messaging items. */
export function messagingWebhook(
  ownerId: string,
  messaging: readonly Record<string, unknown>[],
  object: 'page' | 'instagram' = 'page',
): string {
  const time = 1_700_000_000_000;
  return JSON.stringify({ object, entry: [{ id: ownerId, time, messaging }] });
}

/** One messaging item from `sender` to the page, with Meta's sender/recipient/timestamp. */
export function messagingItem(
  sender: string,
  ownerId: string,
  event: Record<string, unknown>,
  timestamp = 1_700_000_000_000,
): Record<string, unknown> {
  return { sender: { id: sender }, recipient: { id: ownerId }, timestamp, ...event };
}
