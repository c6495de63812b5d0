import { PreparedQuery } from '../storage/prepared-query.js';
import type { JobRow, JobsTable } from '../storage/schema.js';

// The embedded queue's statements that every job runs (enqueue, claim, completion):
// prepared, since each message causes two jobs and building these with Kysely cost more
// than running them. Failures, retries and maintenance keep the builder.

/** A new job row, as `pendingJobColumns` makes it, and the time it is enqueued at. */
export interface NewJob extends Pick<
  JobsTable,
  'account_id' | 'name' | 'payload' | 'run_at' | 'max_attempts' | 'backoff_ms' | 'idempotency_key'
> {
  now: number;
}

/** Inserts a queued job; a job with the same idempotency key already there wins. */
export const insertJob = new PreparedQuery<NewJob, never>((db, param) =>
  db
    .insertInto('jobs')
    .values({
      account_id: param('account_id'),
      name: param('name'),
      payload: param('payload'),
      run_at: param('run_at'),
      max_attempts: param('max_attempts'),
      backoff_ms: param('backoff_ms'),
      idempotency_key: param('idempotency_key'),
      status: 'queued',
      attempts: 0,
      created_at: param('now'),
      updated_at: param('now'),
    })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing()),
);

/**
 * Ids of queued jobs due at `now`, oldest first, at most `limit` (a constant in the SQL:
 * SQLite bounds the index walk by it). The (status, run_at) index yields them in order, so
 * a claim reads `limit` rows whatever the backlog.
 */
export function dueJobIds(limit: number): PreparedQuery<{ now: number }, { id: number }> {
  return new PreparedQuery((db, param) =>
    db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'queued')
      .where('run_at', '<=', param('now'))
      .orderBy('run_at')
      .limit(limit),
  );
}

/** Takes one job if it is still queued (another process may have taken it meanwhile). */
export const claimJob = new PreparedQuery<
  { id: number; workerId: string; lockedUntil: number; now: number },
  JobRow
>((db, param) =>
  db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      locked_by: param('workerId'),
      locked_until: param('lockedUntil'),
      updated_at: param('now'),
    }))
    .where('id', '=', param('id'))
    .where('status', '=', 'queued')
    .returningAll(),
);

/** Records a job's success while its lease is still this worker's. */
export const completeJob = new PreparedQuery<{ id: number; workerId: string; now: number }, never>(
  (db, param) =>
    db
      .updateTable('jobs')
      .set({
        status: 'completed',
        finished_at: param('now'),
        last_error: null,
        locked_by: null,
        locked_until: null,
        updated_at: param('now'),
      })
      .where('id', '=', param('id'))
      .where('locked_by', '=', param('workerId')),
);
