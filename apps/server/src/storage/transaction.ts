import { CompiledQuery, type DatabaseConnection } from 'kysely';
import type { Db } from './database.js';

/**
 * The connection under each open `inTransaction` transaction. Kysely routes every query of
 * a transaction through a stack of executors and promises (about 2 µs a query); prepared
 * queries, already compiled, hand their SQL straight to this connection instead. Kept
 * weakly: an entry goes with its transaction.
 */
const transactionConnections = new WeakMap<Db, DatabaseConnection>();

/** The connection of `db` when it is a transaction opened by `inTransaction`. */
export function connectionOfTransaction(db: Db): DatabaseConnection | undefined {
  return transactionConnections.get(db);
}

/**
 * A unit of work: a transaction plus callbacks that run only once it has committed
 * (waking a worker for a job the transaction enqueued, publishing an event about a row
 * it wrote). Nothing registered here runs if the transaction rolls back.
 */
export interface UnitOfWork {
  readonly db: Db;
  afterCommit(callback: () => void): void;
}

export async function inTransaction<T>(db: Db, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  const callbacks: (() => void)[] = [];
  const result = await db.transaction().execute(async (trx) => {
    // The transaction's executor hands its one connection to whoever asks: keep it.
    const connection = await trx.getExecutor().provideConnection((given) => Promise.resolve(given));
    transactionConnections.set(trx, connection);
    return work({ db: trx, afterCommit: (callback) => callbacks.push(callback) });
  });
  for (const callback of callbacks) callback();
  return result;
}

/** Runs `work` in the caller's unit of work when given one, else in a new transaction. */
export async function withinUnit<T>(
  db: Db,
  unit: UnitOfWork | undefined,
  work: (unit: UnitOfWork) => Promise<T>,
): Promise<T> {
  return unit === undefined ? inTransaction(db, work) : work(unit);
}

/**
 * Runs `work` in a savepoint of `unit`. If it throws, its writes are undone and its
 * after-commit callbacks dropped, the rest of the unit standing, and the error goes on to the
 * caller; on PostgreSQL this is also what makes the transaction usable again after a failed
 * statement. If it succeeds, its callbacks join the unit's. (`name`: lower case and `_`.)
 */
export async function inSavepoint<T>(
  unit: UnitOfWork,
  name: string,
  work: (unit: UnitOfWork) => Promise<T>,
): Promise<T> {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a savepoint name: ${name}`);
  const callbacks: (() => void)[] = [];
  await runOn(unit.db, `savepoint ${name}`);
  let result: T;
  try {
    result = await work({ db: unit.db, afterCommit: (callback) => callbacks.push(callback) });
  } catch (error) {
    await runOn(unit.db, `rollback to savepoint ${name}`);
    await runOn(unit.db, `release savepoint ${name}`);
    throw error;
  }
  await runOn(unit.db, `release savepoint ${name}`);
  for (const callback of callbacks) unit.afterCommit(callback);
  return result;
}

/** Runs a statement without parameters, on the unit's connection directly when it has one. */
async function runOn(db: Db, statement: string): Promise<void> {
  const query = CompiledQuery.raw(statement);
  const connection = connectionOfTransaction(db);
  await (connection === undefined ? db.executeQuery(query) : connection.executeQuery(query));
}
