import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';

/** One request as the receiver saw it, and what it answered (0: it was not answered). */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
  readonly receivedAt: number;
}

/** How a verification request (`{"type":"verification","token":…}`) is answered. */
export type EchoStyle = 'raw' | 'json-token' | 'json-challenge' | 'none';

export type ReceiverMode = 'up' | 'unavailable' | 'down';

/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's webhook endpoint: it
 * records every request, echoes verification tokens, and can answer 503 ('unavailable')
 * or stop listening altogether ('down': connection refused) and come back on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  echo: EchoStyle = 'json-token';
  /** Requests this answers with 500 whatever the mode (a delivery that keeps failing). */
  failWhen: ((request: { body: string; headers: IncomingHttpHeaders }) => boolean) | undefined;
  #mode: ReceiverMode = 'up';
  #server: http.Server;
  readonly #port: number;

  private constructor(server: http.Server, port: number) {
    this.#server = server;
    this.#port = port;
  }

  static async start(): Promise<WebhookReceiver> {
    // The handler needs the receiver, which needs the listening server's port.
    const holder: { receiver?: WebhookReceiver } = {};
    const server = http.createServer((request, response) => {
      holder.receiver?.handle(request, response);
    });
    const receiver = new WebhookReceiver(server, await listen(server, 0));
    holder.receiver = receiver;
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hooks/parley`;
  }

  get mode(): ReceiverMode {
    return this.#mode;
  }

  /** Requests that were answered 2xx and were not verifications: what was delivered. */
  delivered(): ReceivedRequest[] {
    return this.requests.filter(
      (request) => request.status >= 200 && request.status < 300 && !isVerification(request.body),
    );
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    if (mode === this.#mode) return;
    if (mode === 'down') {
      this.#mode = 'down';
      await new Promise<void>((resolve) => {
        this.#server.close(() => {
          resolve();
        });
        this.#server.closeAllConnections();
      });
      return;
    }
    if (this.#mode === 'down') {
      const server = http.createServer((request, response) => {
        this.handle(request, response);
      });
      await listen(server, this.#port);
      this.#server = server;
    }
    this.#mode = mode;
  }

  /** Back to a fresh receiver: up, echoing, failing nothing, nothing recorded. */
  async reset(): Promise<void> {
    await this.setMode('up');
    this.requests.splice(0);
    this.echo = 'json-token';
    this.failWhen = undefined;
  }

  async close(): Promise<void> {
    await this.setMode('down');
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = this.#answer(body, request.headers);
      this.requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        status: answer.status,
        receivedAt: Date.now(),
      });
      response.writeHead(answer.status, { 'content-type': answer.type });
      response.end(answer.body);
    });
  }

  #answer(
    body: string,
    headers: IncomingHttpHeaders,
  ): { status: number; type: string; body: string } {
    if (this.#mode === 'unavailable') return { status: 503, type: 'text/plain', body: 'down' };
    if (this.failWhen?.({ body, headers }) === true)
      return { status: 500, type: 'text/plain', body: 'failing on purpose' };
    const token = verificationToken(body);
    if (token === undefined) return { status: 200, type: 'text/plain', body: 'ok' };
    switch (this.echo) {
      case 'raw':
        return { status: 200, type: 'text/plain', body: token };
      case 'json-token':
        return { status: 200, type: 'application/json', body: JSON.stringify({ token }) };
      case 'json-challenge':
        return {
          status: 200,
          type: 'application/json',
          body: JSON.stringify({ challenge: token }),
        };
      case 'none':
        return { status: 200, type: 'application/json', body: '{"ok":true}' };
    }
  }
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function verificationToken(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const type: unknown = Object.getOwnPropertyDescriptor(parsed, 'type')?.value;
    const token: unknown = Object.getOwnPropertyDescriptor(parsed, 'token')?.value;
    return type === 'verification' && typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

export function isVerification(body: string): boolean {
  return verificationToken(body) !== undefined;
}
