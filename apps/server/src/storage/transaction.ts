import type { Db } from './database.js';

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
  const result = await db
    .transaction()
    .execute((trx) => work({ db: trx, afterCommit: (callback) => callbacks.push(callback) }));
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
