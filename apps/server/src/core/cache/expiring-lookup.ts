/**
 * How long a kept value may serve at most. It bounds how late another process without the
 * shared bus (a `parley worker` on the same SQLite file) sees a change, and a busy account
 * still reads its settings about once a second instead of for every message.
 */
const DEFAULT_TTL_MS = 1_000;
/** Keys kept at most per lookup; the least recently loaded go first. */
const DEFAULT_MAX_KEYS = 10_000;

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

export interface ExpiringLookupOptions {
  readonly ttlMs?: number;
  readonly maxKeys?: number;
  readonly now?: () => number;
}

/**
 * Something every message reads (an account's webhook subscriptions, its default SLA policy,
 * which channel types its bots serve; a token's principal), kept in the process between the
 * writes that change it. The writers call `invalidate` once they have committed
 * (`AccountCaches` also carries that to the other processes); the TTL bounds what a lost
 * invalidation could cost.
 *
 * A load that was running when an invalidation came is returned to its caller but not kept:
 * it may have read the old value.
 */
export class ExpiringLookup<K, T> {
  readonly #entries = new Map<K, Entry<T>>();
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Counts invalidations, so a load can tell whether one happened while it ran. */
  #generation = 0;

  constructor(options: ExpiringLookupOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#now = options.now ?? Date.now;
  }

  /** The kept value, or `load`'s; `keep` may decline to keep it (a failed lookup). */
  async get(key: K, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt > now) return entry.value;
    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation && keep(value)) this.#keep(key, value, now);
    return value;
  }

  invalidate(key: K): void {
    this.#generation += 1;
    this.#entries.delete(key);
  }

  /** Forgets every key (a change that may touch any of them). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  #keep(key: K, value: T, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + this.#ttlMs });
    if (this.#entries.size > this.#maxKeys) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}
