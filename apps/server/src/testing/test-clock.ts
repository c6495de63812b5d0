import type { Clock } from '../core/clock.js';

/**
 * A clock that starts at a chosen instant and then runs at real speed, and can jump.
 * It keeps running rather than standing still so that leases, poll loops and short waits
 * behave as they do in production between the jumps a test makes.
 */
export class TestClock implements Clock {
  #offsetMs: number;

  constructor(startMs: number) {
    this.#offsetMs = startMs - Date.now();
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Jumps to `ms` (epoch milliseconds); time runs on from there. */
  set(ms: number): void {
    this.#offsetMs = ms - Date.now();
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
