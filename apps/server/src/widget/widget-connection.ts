import {
  widgetClientFrameSchema,
  type WidgetMessage,
  type WidgetServerFrame,
} from '@parley/protocol';
import type { EventBus } from '../bus/events.js';
import type { WidgetHub, WidgetSubscriber } from './widget-hub.js';
import { visitorKey } from './widget-hub.js';

/** What a connection needs of its socket (a `ws` WebSocket in production). */
export interface VisitorSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written: a visitor that stops reading is cut off. */
  readonly bufferedAmount: number;
}

export const WIDGET_CLOSE = {
  badToken: 4401,
  tooSlow: 4408,
  shuttingDown: 1001,
} as const;

const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface ConnectionScope {
  readonly accountId: number;
  readonly channelId: number;
  readonly contactId: number;
}

/**
 * One visitor socket: joins the hub for its visitor, replays what the visitor missed
 * after its cursor, then forwards live frames. Live frames that the replay already sent
 * (a message committed between joining and reading) are skipped by `seq`, so the seam
 * between replay and live neither loses nor repeats a message.
 */
export class WidgetConnection implements WidgetSubscriber {
  #leave: (() => void) | undefined;
  #sentSeq = 0;
  #closed = false;
  #conversationId: number | undefined;

  constructor(
    private readonly socket: VisitorSocket,
    private readonly hub: WidgetHub,
    private readonly bus: EventBus,
    private readonly scope: ConnectionScope,
  ) {}

  /**
   * Joins first, then replays: a message committed in between arrives live and is also in
   * the replay; the `seq` check drops the second copy.
   */
  async open(
    after: number,
    replay: (after: number) => Promise<{ messages: WidgetMessage[]; conversationId?: number }>,
  ): Promise<void> {
    this.#leave = this.hub.join(visitorKey(this.scope.channelId, this.scope.contactId), this);
    this.#sentSeq = after;
    const missed = await replay(after);
    this.#conversationId = missed.conversationId;
    const cursor = missed.messages.at(-1)?.seq ?? after;
    this.#write({ type: 'ready', cursor: Math.max(cursor, after) });
    for (const message of missed.messages) this.#message(message);
  }

  deliver(frame: WidgetServerFrame): void {
    if (frame.type === 'message') {
      this.#message(frame.message);
      return;
    }
    this.#write(frame);
  }

  receive(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const frame = widgetClientFrameSchema.safeParse(value);
    if (!frame.success) {
      this.#write({ type: 'error', code: 'BAD_MESSAGE', message: 'Unknown or malformed frame.' });
      return;
    }
    if (frame.data.type === 'ping') {
      this.#write({ type: 'pong' });
      return;
    }
    if (this.#conversationId === undefined) return;
    void this.bus.publish('widget.typing', this.scope.accountId, {
      channelId: this.scope.channelId,
      contactId: this.scope.contactId,
      conversationId: this.#conversationId,
      on: frame.data.on,
      name: null,
      from: 'visitor',
    });
  }

  /** The socket closed (either side): stop receiving. */
  closed(): void {
    this.#closed = true;
    this.#leave?.();
    this.#leave = undefined;
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.socket.close(code, reason);
    this.closed();
  }

  #message(message: WidgetMessage): void {
    if (message.seq <= this.#sentSeq) return;
    this.#sentSeq = message.seq;
    this.#write({ type: 'message', message });
  }

  #write(frame: WidgetServerFrame): void {
    if (this.#closed) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(WIDGET_CLOSE.tooSlow, 'too slow');
      return;
    }
    this.socket.send(JSON.stringify(frame));
  }
}
