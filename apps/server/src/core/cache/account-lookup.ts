/**
 * How long a kept value may serve at most. It bounds how late another process without the
 * shared bus (a `parley worker` on the same SQLite file) sees a change, and a busy account
 * still reads its settings about once a second instead of for every message.
 */
const DEFAULT_TTL_MS = 1_000;
/** Accounts kept at most per lookup; the least recently loaded go first. */
const DEFAULT_MAX_ACCOUNTS = 10_000;

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

export interface AccountLookupOptions {
  readonly ttlMs?: number;
  readonly maxAccounts?: number;
  readonly now?: () => number;
}

/**
 * One account setting that every message reads (its webhook subscriptions, its default SLA
 * policy, which channel types its bots serve), kept in the process between the writes that
 * change it. The writers call `invalidate` once they have committed (`AccountCaches` also
 * carries that to the other processes); the TTL bounds what a lost invalidation could cost.
 *
 * A load that was running when an invalidation came is returned to its caller but not kept:
 * it may have read the old value.
 */
export class AccountLookup<T> {
  readonly #entries = new Map<number, Entry<T>>();
  readonly #ttlMs: number;
  readonly #maxAccounts: number;
  readonly #now: () => number;
  /** Counts invalidations, so a load can tell whether one happened while it ran. */
  #generation = 0;

  constructor(options: AccountLookupOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxAccounts = options.maxAccounts ?? DEFAULT_MAX_ACCOUNTS;
    this.#now = options.now ?? Date.now;
  }

  async get(accountId: number, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const entry = this.#entries.get(accountId);
    if (entry !== undefined && entry.expiresAt > now) return entry.value;
    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation) this.#keep(accountId, value, now);
    return value;
  }

  invalidate(accountId: number): void {
    this.#generation += 1;
    this.#entries.delete(accountId);
  }

  #keep(accountId: number, value: T, now: number): void {
    this.#entries.delete(accountId);
    this.#entries.set(accountId, { value, expiresAt: now + this.#ttlMs });
    if (this.#entries.size > this.#maxAccounts) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}
