import { performance } from 'node:perf_hooks';
import { WebSocket, type RawData } from 'ws';
import { serverMessageSchema, type ServerMessage } from '../realtime/protocol.js';

export type EventMessage = Extract<ServerMessage, { type: 'event' }>;

/** A message with the moment it arrived (performance.now()), for latency assertions. */
export interface Received<T extends ServerMessage = ServerMessage> {
  readonly message: T;
  readonly at: number;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * A WebSocket test client for the realtime endpoint. Every frame is parsed against the
 * protocol's schema (a frame that does not parse fails the test at the next `next`), and
 * waits are explicit: `next(predicate)` takes the first unread matching message, or the
 * next one to arrive, or fails after `timeoutMs` saying what did arrive.
 */
export class WsTestClient {
  /** Every message, in arrival order, consumed or not. */
  readonly received: Received[] = [];
  readonly closed: Promise<CloseInfo>;
  readonly #unread: Received[] = [];
  readonly #wakers = new Set<() => void>();
  #closeInfo: CloseInfo | undefined;
  #malformed: string | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      this.#onMessage(rawText(data));
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code: number, reason: Buffer) => {
        this.#closeInfo = { code, reason: reason.toString('utf8') };
        resolve(this.#closeInfo);
        this.#wake();
      });
    });
  }

  /** Opens a socket (http:// URLs are turned into ws://) and resolves once it is open. */
  static async connect(url: string): Promise<WsTestClient> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'));
    const client = new WsTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`upgrade refused with HTTP ${String(response.statusCode)}`));
      });
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  next<T extends ServerMessage>(
    predicate: (message: ServerMessage) => message is T,
    timeoutMs?: number,
  ): Promise<Received<T>>;
  next(predicate?: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<Received>;
  next(
    predicate: (message: ServerMessage) => boolean = () => true,
    timeoutMs = 2_000,
  ): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.#malformed !== undefined) {
          finish();
          reject(new Error(`the server sent a malformed frame: ${this.#malformed}`));
          return true;
        }
        const index = this.#unread.findIndex((entry) => predicate(entry.message));
        const found = this.#unread[index];
        if (found !== undefined) {
          this.#unread.splice(index, 1);
          finish();
          resolve(found);
          return true;
        }
        if (this.#closeInfo !== undefined) {
          finish();
          reject(new Error(`socket closed (${this.#describeClose()}) before the message came`));
          return true;
        }
        return false;
      };
      const waker = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; unread: ${JSON.stringify(
              this.#unread.map((entry) => entry.message),
            )}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(waker);
      };
      if (!check()) this.#wakers.add(waker);
    });
  }

  /** The next event (of a type, if given). */
  nextEvent(type?: string, timeoutMs?: number): Promise<Received<EventMessage>> {
    return this.next(
      (message): message is EventMessage =>
        message.type === 'event' && (type === undefined || message.event === type),
      timeoutMs,
    );
  }

  /** Unread messages, without consuming them. */
  unread(): readonly ServerMessage[] {
    return this.#unread.map((entry) => entry.message);
  }

  /** Closes from the client side and waits for the close to complete. */
  async close(): Promise<CloseInfo> {
    if (this.#closeInfo === undefined) this.socket.close(1000, 'test done');
    return this.closed;
  }

  #onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) this.#malformed ??= text;
    else {
      const entry = { message: parsed.data, at: performance.now() };
      this.received.push(entry);
      this.#unread.push(entry);
    }
    this.#wake();
  }

  #wake(): void {
    for (const waker of [...this.#wakers]) waker();
  }

  #describeClose(): string {
    return this.#closeInfo === undefined
      ? 'open'
      : `${this.#closeInfo.code} ${this.#closeInfo.reason}`;
  }
}

export function isEvent(message: ServerMessage): message is EventMessage {
  return message.type === 'event';
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
