import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** What the provider fakes (twilio.ts, telegram.ts) share: loopback servers, webhook delivery. */

/** How the fake reaches Parley's webhooks: by default a real HTTP request. */
export type WebhookTransport = (
  url: string,
  request: { headers: Record<string, string>; body: string },
) => Promise<{ status: number; contentType: string; body: string }>;

/** Delivers webhooks into a Fastify app with `inject` (its PUBLIC_URL host need not resolve). */
export function injectTransport(app: FastifyInstance): WebhookTransport {
  return async (url, request) => {
    const target = new URL(url);
    const response = await app.inject({
      method: 'POST',
      url: `${target.pathname}${target.search}`,
      headers: request.headers,
      payload: request.body,
    });
    const type = response.headers['content-type'];
    return {
      status: response.statusCode,
      contentType: typeof type === 'string' ? type : '',
      body: response.body,
    };
  };
}

export const fetchTransport: WebhookTransport = async (url, request) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
};

/** Listens on a free loopback port; resolves to `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return `http://127.0.0.1:${String(port)}`;
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}
