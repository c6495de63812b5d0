/** Send "typing on" at most this often while the visitor keeps typing. */
const RESEND_MS = 3_000;
/** With no keystroke for this long the visitor has stopped typing. */
const IDLE_MS = 5_000;

/**
 * Turns keystrokes into a throttled typing signal for the agent: one frame when typing
 * starts (repeated every few seconds so the agent's indicator stays up), one when it stops.
 */
export class TypingSignal {
  private on = false;
  private sentAt = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (on: boolean) => void) {}

  keystroke(): void {
    const now = Date.now();
    if (!this.on || now - this.sentAt >= RESEND_MS) {
      this.on = true;
      this.sentAt = now;
      this.send(true);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.stop();
    }, IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idle);
    if (!this.on) return;
    this.on = false;
    this.send(false);
  }
}
