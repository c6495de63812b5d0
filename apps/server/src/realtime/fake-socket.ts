import type { RealtimeSocket } from './connection.js';

/** A socket that records what the connection did to it. */
export class FakeSocket implements RealtimeSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  pings = 0;
  terminated = false;
  closedWith: { code: number; reason: string } | undefined;
  send(data: string): void {
    this.sent.push(data);
  }
  ping(): void {
    this.pings += 1;
  }
  /** What the real socket's 'close' event would trigger (set by hub tests). */
  onClose: () => void = () => undefined;
  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
    this.readyState = 2;
    // A well-behaved peer answers at once; the real socket then emits 'close'.
    queueMicrotask(() => {
      this.#closed();
    });
  }
  terminate(): void {
    this.terminated = true;
    this.#closed();
  }
  #closed(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onClose();
  }
  /** Event ids sent, in order. */
  eventIds(): number[] {
    return this.sent.flatMap((frame) => {
      const message: unknown = JSON.parse(frame);
      return typeof message === 'object' && message !== null && 'id' in message
        ? [Number(message.id)]
        : [];
    });
  }
}
