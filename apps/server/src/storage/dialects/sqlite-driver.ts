import type BetterSqlite3 from 'better-sqlite3';
import {
  SelectQueryNode,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { StatementCache } from './statement-cache.js';
import { WalCheckpointer, type CheckpointerOptions } from './wal-checkpointer.js';
import { withoutNulParameters } from './nul-replacing-driver.js';

/** How long a group may stay open, and how many writers it may take, before it commits. */
export interface GroupCommitLimits {
  readonly maxWriters: number;
  readonly maxOpenMs: number;
}

export const DEFAULT_GROUP_COMMIT_LIMITS: GroupCommitLimits = { maxWriters: 256, maxOpenMs: 10 };

export interface GroupCommitOptions {
  readonly limits?: GroupCommitLimits;
  /** WAL checkpoints in a background thread (the default), or inline as SQLite does (false). */
  readonly checkpoints?: CheckpointerOptions | false;
}

/** One open SQLite transaction shared by the writers of a group. */
interface Group {
  readonly openedAt: number;
  writers: number;
  readonly waiting: { resolve: () => void; reject: (error: Error) => void }[];
  /** Set when the group ended without committing. */
  failure?: Error;
}

const TRANSACTION_SAVEPOINT = 'parley_tx';
const GROUP_LOST = 'SQLite ended the shared transaction: its work was rolled back';

/**
 * Kysely driver for the one better-sqlite3 connection, with group commit.
 *
 * SQLite has one writer, and a commit costs more than the few statements of a typical
 * Parley transaction (it appends every touched page to the WAL). So writes share commits:
 * a transaction (or a write outside one) joins the open SQLite transaction as a savepoint,
 * and when it is done the connection goes to the next lease in line; the shared
 * transaction commits when nobody is waiting any more — after the event loop has taken in
 * what else arrived meanwhile (`setImmediate`) — or when the group is full. A writer's
 * `transaction().execute()` resolves only after that commit, so nothing a caller does
 * after its write (answering a request, publishing an event, running a job it enqueued)
 * happens before the write is committed; if the commit fails, every writer of the group
 * gets the error.
 *
 * Each transaction is a savepoint, so one that fails rolls back alone. An error that ends
 * SQLite's transaction itself (disk full, I/O) fails the whole group. Reads do not wait for
 * the group: like PostgreSQL readers under `synchronous_commit = off`, they may see a
 * group's writes a moment before those are committed (decision 0013).
 */
export class GroupCommitSqliteDriver implements Driver {
  readonly #database: BetterSqlite3.Database;
  readonly #connection: GroupCommitConnection;
  readonly #limits: GroupCommitLimits;
  /** Leases waiting for the connection, first come first served. */
  readonly #waiters: (() => void)[] = [];
  #held = false;
  #group: Group | undefined;
  /** The group the current lease wrote in: it waits for that group's commit. */
  #leaseGroup: Group | undefined;
  #flushScheduled = false;
  readonly #checkpointOptions: CheckpointerOptions | false | undefined;
  #checkpointer: WalCheckpointer | undefined;

  constructor(database: BetterSqlite3.Database, options: GroupCommitOptions = {}) {
    this.#database = database;
    this.#connection = new GroupCommitConnection(new StatementCache(database), () => {
      this.#joinGroup();
    });
    this.#limits = options.limits ?? DEFAULT_GROUP_COMMIT_LIMITS;
    this.#checkpointOptions = options.checkpoints;
  }

  init(): Promise<void> {
    // The database is opened by the dialect; only its checkpoints are ours to start.
    if (this.#checkpointOptions !== false) {
      this.#checkpointer = WalCheckpointer.start(this.#database, this.#checkpointOptions);
    }
    return Promise.resolve();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#held) {
      this.#held = true;
      this.#leaseGroup = undefined;
      return Promise.resolve(this.#connection);
    }
    return new Promise((resolve) => {
      this.#waiters.push(() => {
        this.#leaseGroup = undefined;
        resolve(this.#connection);
      });
    });
  }

  beginTransaction(): Promise<void> {
    return this.#attempt(() => {
      this.#joinGroup();
      this.#run(`savepoint ${TRANSACTION_SAVEPOINT}`);
    });
  }

  commitTransaction(): Promise<void> {
    return this.#attempt(() => {
      this.#run(`release ${TRANSACTION_SAVEPOINT}`);
    });
  }

  rollbackTransaction(): Promise<void> {
    return this.#attempt(() => {
      if (!this.#database.inTransaction) return; // SQLite already ended it: the group fails
      this.#run(`rollback to ${TRANSACTION_SAVEPOINT}`);
      this.#run(`release ${TRANSACTION_SAVEPOINT}`);
    });
  }

  savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    return this.#attempt(() => {
      this.#run(`savepoint ${quoteName(name)}`);
    });
  }

  rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    return this.#attempt(() => {
      this.#run(`rollback to ${quoteName(name)}`);
    });
  }

  releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    return this.#attempt(() => {
      this.#run(`release ${quoteName(name)}`);
    });
  }

  async releaseConnection(): Promise<void> {
    const group = this.#leaseGroup;
    this.#leaseGroup = undefined;
    if (group === undefined || group.failure !== undefined) {
      this.#handOver();
      // A reader held the connection when the group's flush came (across I/O): flush again.
      if (this.#group !== undefined) this.#scheduleFlush();
      if (group?.failure !== undefined) throw group.failure;
      return;
    }
    group.writers += 1;
    const full =
      group.writers >= this.#limits.maxWriters ||
      performance.now() - group.openedAt >= this.#limits.maxOpenMs;
    const committed = new Promise<void>((resolve, reject) => {
      group.waiting.push({ resolve, reject });
    });
    if (full) {
      // Its writers go on at the next turn, not now: went on at once, they would write again
      // into groups just as full, commit those at once too, and so on, holding the event loop
      // (and every request waiting for it) for as long as they had work.
      this.#commitGroup(group, 'next turn');
      this.#handOver();
    } else {
      this.#handOver();
      this.#scheduleFlush();
    }
    await committed;
  }

  async destroy(): Promise<void> {
    const group = this.#group;
    if (group !== undefined) this.#commitGroup(group);
    await this.#checkpointer?.close();
    this.#connection.close();
  }

  /** Runs synchronous SQLite work as the promise Kysely's driver interface expects. */
  #attempt(work: () => void): Promise<void> {
    try {
      work();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /** The current lease writes: it joins the open group, or opens one. */
  #joinGroup(): void {
    const open = this.#group;
    if (open !== undefined && !this.#database.inTransaction) {
      // SQLite ended the shared transaction itself (disk full, I/O error): the group failed.
      this.#endGroup(open, new Error(GROUP_LOST));
    }
    const earlier = this.#leaseGroup;
    if (earlier?.failure !== undefined) {
      // This lease's earlier writes went with that group: it cannot go on as if they stood.
      throw earlier.failure;
    }
    if (this.#group === undefined) {
      // Take the write lock up front: a deferred transaction that reads and then writes
      // cannot wait for another process's lock (SQLite answers BUSY at once).
      this.#run('begin immediate');
      this.#group = { openedAt: performance.now(), writers: 0, waiting: [] };
    }
    this.#leaseGroup = this.#group;
  }

  /**
   * Commits on the next turn of the event loop, after the I/O that arrived meanwhile had
   * its chance to join. A lease holding the connection then will schedule it again.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const group = this.#group;
      if (group === undefined || this.#held) return;
      this.#commitGroup(group);
    });
  }

  /** Commits the shared transaction and settles every writer that waited for it. */
  #commitGroup(group: Group, settle: 'now' | 'next turn' = 'now'): Error | undefined {
    let failure: Error | undefined;
    try {
      if (this.#database.inTransaction) this.#run('commit');
      else failure = new Error(GROUP_LOST);
    } catch (error) {
      failure = asError(error);
      if (this.#database.inTransaction) this.#run('rollback');
    }
    this.#endGroup(group, failure, settle);
    if (failure === undefined) this.#checkpointer?.afterCommit();
    return failure;
  }

  /** Ends a group: its writers learn (now, or at the next turn) whether their writes stand. */
  #endGroup(group: Group, failure: Error | undefined, settle: 'now' | 'next turn' = 'now'): void {
    if (this.#group === group) this.#group = undefined;
    group.failure = failure;
    const tell = () => {
      for (const writer of group.waiting) {
        if (failure === undefined) writer.resolve();
        else writer.reject(failure);
      }
    };
    if (settle === 'now') tell();
    else setImmediate(tell);
  }

  #handOver(): void {
    const next = this.#waiters.shift();
    if (next === undefined) {
      this.#held = false;
      return;
    }
    next();
  }

  #run(sql: string): void {
    this.#connection.run(sql);
  }
}

/** The connection Kysely sees: runs compiled queries on cached prepared statements. */
class GroupCommitConnection implements DatabaseConnection {
  readonly #statements: StatementCache;
  readonly #beforeWrite: () => void;

  /** `beforeWrite` runs before a statement that writes outside a transaction. */
  constructor(statements: StatementCache, beforeWrite: () => void) {
    this.#statements = statements;
    this.#beforeWrite = beforeWrite;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.#execute<R>(compiledQuery));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) {
      throw new Error('the SQLite driver streams select queries only');
    }
    const statement = this.#statements.prepare(compiledQuery.sql);
    const rows = statement.iterate(withoutNulParameters(compiledQuery).parameters);
    const stream: AsyncIterableIterator<QueryResult<R>> = {
      next: () => {
        const row = rows.next();
        return Promise.resolve(
          row.done === true
            ? { done: true, value: undefined }
            : { done: false, value: { rows: rowsOf<R>([row.value]) } },
        );
      },
      return: () => {
        rows.return?.();
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }

  run(sql: string): void {
    this.#statements.prepare(sql).run([]);
  }

  close(): void {
    this.#statements.close();
  }

  #execute<R>(query: CompiledQuery): QueryResult<R> {
    const { sql, parameters } = withoutNulParameters(query);
    const statement = this.#statements.prepare(sql);
    if (!statement.readonly) this.#beforeWrite();
    if (statement.reader) return { rows: rowsOf<R>(statement.all(parameters)) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    };
  }
}

/**
 * Rows come from SQLite typed as unknown; Kysely's result type `R` is the query builder's
 * promise about them, which the schema and the query guarantee (as in Kysely's own driver).
 */
function rowsOf<R>(rows: unknown[]): R[] {
  return rows as R[];
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
