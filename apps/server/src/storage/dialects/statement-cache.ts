import type { SqliteDatabase, SqliteStatement } from 'kysely';

const DEFAULT_CAPACITY = 500;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running a
 * small query. Parley's queries come from a fixed set of builders, so their SQL texts
 * repeat: keeping prepared statements by text (least recently used out first) makes each
 * later run skip the SQLite parser and planner.
 */
export class StatementCache implements SqliteDatabase {
  readonly #statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly database: SqliteDatabase,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  prepare(sql: string): SqliteStatement {
    // Kysely opens transactions with a deferred `begin`. A deferred transaction that reads
    // and then writes cannot wait for another process's write lock (SQLite answers BUSY at
    // once, whatever the busy timeout): take the write lock up front, so a second process
    // (a `parley worker`, a second server) waits its turn instead of failing.
    if (sql === 'begin') return this.prepare('begin immediate');
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
