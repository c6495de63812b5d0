import type { WidgetClientFrame } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import type { LiveEvents } from './events.js';
import { isServerFrame } from './guards.js';

/** Close code the server uses for a refused visitor token. */
export const CLOSE_UNAUTHORIZED = 4401;
const PING_EVERY_MS = 25_000;
/** A connection that answers no ping within this is half-open (a phone changed network). */
const PONG_TIMEOUT_MS = 10_000;
/** Sockets that never opened this many times in a row: a proxy blocks them, poll instead. */
const FAILED_OPENS_BEFORE_GIVING_UP = 2;

/**
 * The `/widget/ws` client: keeps one socket open, pings it, and reconnects with backoff,
 * asking each time for what came after the last `seq` it saw (`url()` builds that anew).
 */
export class SocketClient {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private failedOpens = 0;
  private stopped = false;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: () => string,
    private readonly events: LiveEvents,
    /** Called instead of reconnecting once sockets look blocked. */
    private readonly giveUp: () => void,
  ) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
  }

  send(frame: WidgetClientFrame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  /** Reconnects now instead of waiting out the backoff (the browser came back online). */
  nudge(): void {
    if (this.stopped || this.ws !== null) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  private connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.giveUp();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.failedOpens = 0;
      this.pingTimer = setInterval(() => {
        this.ping(ws);
      }, PING_EVERY_MS);
    };
    ws.onmessage = (event) => {
      clearTimeout(this.pongTimer);
      if (typeof event.data === 'string') this.dispatch(event.data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (this.stopped) return;
      if (event.code === CLOSE_UNAUTHORIZED) {
        this.events.unauthorized();
        return;
      }
      if (!opened && ++this.failedOpens >= FAILED_OPENS_BEFORE_GIVING_UP) {
        this.giveUp();
        return;
      }
      this.retryTimer = setTimeout(() => {
        this.connect();
      }, backoffDelay(this.attempt++));
    };
  }

  private ping(ws: WebSocket): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: 'ping' } satisfies WidgetClientFrame));
    clearTimeout(this.pongTimer);
    this.pongTimer = setTimeout(() => {
      ws.close();
    }, PONG_TIMEOUT_MS);
  }

  private dispatch(data: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!isServerFrame(frame)) return;
    switch (frame.type) {
      case 'message':
        this.events.message(frame.message);
        break;
      case 'status':
        this.events.status(frame.id, frame.status);
        break;
      case 'typing':
        this.events.typing(frame.on, frame.name);
        break;
      case 'action':
        this.events.action(frame.action);
        break;
      case 'ready':
        // Not taken as the cursor: the missed messages may still be on their way behind it,
        // and the cursor only moves with messages actually received.
        break;
      case 'error':
        console.warn(`[parley] ${frame.code}: ${frame.message}`);
        break;
      case 'pong':
        break;
    }
  }

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}
