import type BetterSqlite3 from 'better-sqlite3';

const DEFAULT_CAPACITY = 500;

interface Entry {
  readonly statement: BetterSqlite3.Statement;
  /** Run since the eviction sweep last passed it: it gets a second chance. */
  used: boolean;
}

/**
 * better-sqlite3 prepares every query anew; preparing costs more than running a
 * small query. Parley's queries come from a fixed set of builders, so their SQL texts
 * repeat: keeping prepared statements by text makes each later run skip the SQLite parser
 * and planner.
 *
 * Eviction is "second chance" (the clock algorithm), close to least-recently-used: a hit
 * only marks its entry, where a true LRU would move it to the back of the map, which costs
 * more than some of the statements it serves. When full, the sweep walks from the oldest
 * entry, moving marked ones to the back unmarked, and evicts the first unmarked one.
 */
export class StatementCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  prepare(sql: string): BetterSqlite3.Statement {
    const cached = this.#entries.get(sql);
    if (cached !== undefined) {
      cached.used = true;
      return cached.statement;
    }
    const statement = this.database.prepare(sql);
    if (this.#entries.size >= this.capacity) this.#evictOne();
    this.#entries.set(sql, { statement, used: false });
    return statement;
  }

  /** How many statements are kept (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  close(): void {
    this.#entries.clear();
    this.database.close();
  }

  #evictOne(): void {
    // Ends: each pass unmarks what it moves, so within `size + 1` steps one is unmarked.
    for (const [sql, entry] of this.#entries) {
      this.#entries.delete(sql);
      if (!entry.used) return;
      entry.used = false;
      this.#entries.set(sql, entry);
    }
  }
}
