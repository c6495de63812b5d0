import type BetterSqlite3 from 'better-sqlite3';

const DEFAULT_CAPACITY = 500;

/**
 * better-sqlite3 prepares every query anew; preparing costs more than running a
 * small query. Parley's queries come from a fixed set of builders, so their SQL texts
 * repeat: keeping prepared statements by text (least recently used out first) makes each
 * later run skip the SQLite parser and planner.
 */
export class StatementCache {
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  prepare(sql: string): BetterSqlite3.Statement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) {
      // Re-insert to mark it most recently used.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    this.#statements.set(sql, statement);
    if (this.#statements.size > this.capacity) {
      const oldest = this.#statements.keys().next();
      if (oldest.done !== true) this.#statements.delete(oldest.value);
    }
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.database.close();
  }
}
