import type { WidgetApi } from './api.js';
import type { LiveEvents } from './events.js';
import { Poller } from './poller.js';
import { SocketClient } from './socket.js';

export type TransportMode = 'auto' | 'polling';

export interface LiveOptions {
  readonly apiBase: string;
  readonly api: WidgetApi;
  readonly mode: TransportMode;
  /** The largest `seq` seen so far: where a reconnect or a poll resumes. */
  readonly cursor: () => number;
  readonly events: LiveEvents;
}

/**
 * The live channel from server to visitor: a WebSocket when it works, long-polling when it
 * does not (or when the page asks for it). Both resume from the cursor, so switching loses
 * nothing.
 */
export class LiveConnection {
  private socket: SocketClient | null = null;
  private poller: Poller | null = null;
  private readonly onOnline = (): void => {
    this.socket?.nudge();
  };

  constructor(private readonly options: LiveOptions) {}

  start(): void {
    const { mode } = this.options;
    if (mode === 'polling' || typeof WebSocket === 'undefined') {
      this.startPolling();
      return;
    }
    this.socket = new SocketClient(
      () => this.socketUrl(),
      this.options.events,
      () => {
        this.socket = null;
        this.startPolling();
      },
    );
    this.socket.start();
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    window.removeEventListener('online', this.onOnline);
    this.socket?.stop();
    this.socket = null;
    this.poller?.stop();
    this.poller = null;
  }

  /** Tells the agent the visitor is typing (socket only: polling has no way up). */
  typing(on: boolean): void {
    this.socket?.send({ type: 'typing', on });
  }

  private startPolling(): void {
    this.poller = new Poller(this.options.api, this.options.cursor, this.options.events);
    this.poller.start();
  }

  private socketUrl(): string {
    const { apiBase, api, cursor } = this.options;
    const token = encodeURIComponent(api.token ?? '');
    return `${apiBase.replace(/^http/, 'ws')}/widget/ws?token=${token}&after=${cursor()}`;
  }
}
