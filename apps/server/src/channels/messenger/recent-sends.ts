/**
 * What this process sent lately, per channel and recipient: Messenger reports reads as a
 * watermark ("everything sent before T is read") instead of message ids, and the adapter
 * cannot query storage. Best effort by design: a send made by another process, or before
 * a restart, is not here, and its read receipt is not applied (delivery receipts carry
 * mids and do not need this). Bounded, oldest forgotten first.
 */
export class RecentSends {
  readonly #byRecipient = new Map<string, { mid: string; at: number }[]>();

  constructor(
    private readonly maxRecipients = 10_000,
    private readonly perRecipient = 50,
  ) {}

  /** `at`: taken before the send, so a message the provider stamped before T counts. */
  record(channelId: number, recipient: string, mid: string, at: number): void {
    const key = `${String(channelId)}:${recipient}`;
    const sends = this.#byRecipient.get(key) ?? [];
    // Re-inserting moves the recipient to the young end of the map's order.
    this.#byRecipient.delete(key);
    sends.push({ mid, at });
    if (sends.length > this.perRecipient) sends.splice(0, sends.length - this.perRecipient);
    this.#byRecipient.set(key, sends);
    while (this.#byRecipient.size > this.maxRecipients) {
      const oldest = this.#byRecipient.keys().next();
      if (oldest.done === true) break;
      this.#byRecipient.delete(oldest.value);
    }
  }

  /** Mids sent to the recipient at or before the watermark; `forget` drops them (read is final). */
  upTo(channelId: number, recipient: string, watermark: number, forget: boolean): string[] {
    const key = `${String(channelId)}:${recipient}`;
    const sends = this.#byRecipient.get(key) ?? [];
    const covered = sends.filter((send) => send.at <= watermark).map((send) => send.mid);
    if (forget && covered.length > 0) {
      const left = sends.filter((send) => send.at > watermark);
      if (left.length === 0) this.#byRecipient.delete(key);
      else this.#byRecipient.set(key, left);
    }
    return covered;
  }
}
