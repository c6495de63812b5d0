import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../core/clock.js';
import type { Db } from '../storage/database.js';
import type { DialectName } from '../storage/dialects/dialect.js';
import type { JobRow } from '../storage/schema.js';
import { inTransaction, withinUnit, type UnitOfWork } from '../storage/transaction.js';
import { noConcurrencyLimit, type JobConcurrencyLimit } from './event-loop-pressure.js';
import { HandlerRegistry } from './handler-registry.js';
import type { JobName, JobTypes } from './job-types.js';
import {
  describeError,
  retryDelay,
  pendingJobColumns,
  type EnqueueOptions,
  type JobDefinition,
  type JobEvents,
  type JobQueue,
  type QueueDepth,
} from './queue.js';
import { claimJob, completeJob, dueJobIds, insertJob } from './sql-queue-statements.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface SqlQueueOptions {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly pollMs: number;
  /** First retry delay for jobs that do not set their own. */
  readonly defaultBackoffMs?: number;
  /** How long a claimed job stays ours without a heartbeat before another worker may take it. */
  readonly leaseMs?: number;
  /** Completed jobs are deleted after this long (their idempotency keys with them). */
  readonly retentionMs?: number;
  readonly events?: JobEvents;
  /** Lowers the concurrency while the process is busy (default: never). */
  readonly concurrencyLimit?: JobConcurrencyLimit;
  /**
   * Decides what is due, and stamps run times, leases and outcomes (default: the system
   * clock). Every time this queue reads or writes comes from it, so a moved clock never
   * compares against a lease or run time taken from another.
   */
  readonly clock?: Clock;
}

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1_000;
const PRUNE_EVERY_MS = 10 * 60 * 1_000;
/** How often expired leases are looked for (they are at least a lease old anyway). */
const REQUEUE_EVERY_MS = 1_000;

/**
 * Jobs in a table of the application database: the embedded default. Enqueueing in a
 * unit of work is a plain INSERT in the caller's transaction. Workers claim due rows with
 * a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer at a time), so
 * several processes share the table and a job whose worker died is taken again once its
 * lease runs out.
 */
export class SqlJobQueue implements JobQueue {
  readonly backend = 'sql';
  readonly #options: SqlQueueOptions;
  readonly #registry: HandlerRegistry;
  readonly #workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #active = new Map<number, Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  readonly #pause = new WakeableSleep();
  #lastPrune = 0;
  #lastRequeue = Number.NEGATIVE_INFINITY;
  readonly #clock: Clock;
  /** Due job ids, as many as all of this queue's slots could take at once. */
  readonly #dueIds: ReturnType<typeof dueJobIds>;

  constructor(options: SqlQueueOptions) {
    this.#options = options;
    this.#registry = new HandlerRegistry(options.events);
    this.#clock = options.clock ?? systemClock;
    this.#dueIds = dueJobIds(Math.max(1, options.concurrency));
  }

  get #leaseMs(): number {
    return this.#options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobTypes[N],
    options: EnqueueOptions = {},
    unit?: UnitOfWork,
  ): Promise<void> {
    const now = this.#clock.now();
    await withinUnit(this.#options.db, unit, async (work) => {
      await insertJob.execute(work.db, {
        ...pendingJobColumns(name, payload, options, this.#options.defaultBackoffMs, now),
        now,
      });
      work.afterCommit(() => {
        this.#pause.wake();
      });
    });
  }

  register<N extends JobName>(definition: JobDefinition<N>): void {
    this.#registry.register(definition);
  }

  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    this.#loop = this.#pollLoop();
    return Promise.resolve();
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#pause.wake();
    await this.#loop;
    const drained = Promise.allSettled([...this.#active.values()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([drained, timeout]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
  }

  async depth(): Promise<QueueDepth> {
    const now = this.#clock.now();
    const rows = await this.#options.db
      .selectFrom('jobs')
      .select((eb) => [
        'status',
        eb.fn.countAll<number>().as('count'),
        eb.fn.countAll<number>().filterWhere('run_at', '>', now).as('later'),
      ])
      .where('status', 'in', ['queued', 'running', 'dead'])
      .groupBy('status')
      .execute();
    const count = (status: string) => rows.find((row) => row.status === status)?.count ?? 0;
    const later = rows.find((row) => row.status === 'queued')?.later ?? 0;
    return {
      queued: count('queued') - later,
      delayed: later,
      running: count('running'),
      dead: count('dead'),
    };
  }

  async #pollLoop(): Promise<void> {
    while (this.#running) {
      let claimed = 0;
      try {
        await this.#pruneIfDue();
        const free = this.#allowedConcurrency() - this.#active.size;
        if (free > 0) {
          const jobs = await this.#claim(free);
          claimed = jobs.length;
          for (const job of jobs) this.#execute(job);
        }
      } catch (error) {
        this.#options.logger.error({ err: error }, 'job poll failed');
      }
      // Claimed a full batch: more may be due, look again at once; else sleep until woken.
      if (claimed === 0 || this.#active.size >= this.#allowedConcurrency())
        await this.#pause.sleep(this.#options.pollMs);
    }
  }

  #allowedConcurrency(): number {
    const { concurrency, concurrencyLimit = noConcurrencyLimit } = this.#options;
    return concurrencyLimit.allowed(concurrency);
  }

  async #claim(limit: number): Promise<JobRow[]> {
    const now = this.#clock.now();
    const { db, dialect } = this.#options;
    await this.#requeueExpiredIfDue(now);
    const lockedUntil = now + this.#leaseMs;
    if (dialect === 'postgres') {
      // Queued and due, oldest first (the (status, run_at) index yields them in order, so a
      // claim reads `limit` rows whatever the backlog), skipping rows other workers lock.
      const due = db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('run_at', '<=', now)
        .orderBy('run_at')
        .limit(limit)
        .forUpdate()
        .skipLocked();
      return db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          locked_by: this.#workerId,
          locked_until: lockedUntil,
          updated_at: now,
        }))
        .where('id', 'in', due)
        .where('status', '=', 'queued')
        .returningAll()
        .execute();
    }
    // SQLite: read first (a read joins no commit group, so an idle poll writes nothing), then
    // take by id what is still queued (another process on the file may have taken some).
    // The update with the subquery cost 45-90 µs a claim under load; this, a tenth of that.
    const ids = (await this.#dueIds.execute(db, { now })).slice(0, limit).map((row) => row.id);
    if (ids.length === 0) return [];
    return inTransaction(db, async (unit) => {
      const claimed: JobRow[] = [];
      for (const id of ids) {
        const job = await claimJob.takeFirst(unit.db, {
          id,
          workerId: this.#workerId,
          lockedUntil,
          now,
        });
        if (job !== undefined) claimed.push(job);
      }
      return claimed;
    });
  }

  /**
   * A job whose worker died keeps `running` until its lease runs out; then it is queued
   * again (and taken with its next attempt). Its old worker, if only slow, no longer holds
   * the lease, so its outcome is not written. Checked once per REQUEUE_EVERY_MS at most.
   */
  async #requeueExpiredIfDue(now: number): Promise<void> {
    if (now - this.#lastRequeue < REQUEUE_EVERY_MS && now >= this.#lastRequeue) return;
    this.#lastRequeue = now;
    await this.#options.db
      .updateTable('jobs')
      .set({ status: 'queued', locked_by: null, locked_until: null, updated_at: now })
      .where('status', '=', 'running')
      .where('locked_until', '<', now)
      .execute();
  }

  #execute(job: JobRow): void {
    const run = this.#runOne(job)
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error, job: job.id }, 'job bookkeeping failed');
      })
      .finally(() => {
        this.#active.delete(job.id);
        // A slot is free: a loop that slept because all slots were busy looks again now,
        // not at its next poll (which would cap throughput at slots per poll interval).
        this.#pause.wake();
      });
    this.#active.set(job.id, run);
  }

  async #runOne(job: JobRow): Promise<void> {
    const { logger } = this.#options;
    if (job.attempts > job.max_attempts) {
      // Taken over from a worker that died on its last attempt: out of attempts.
      await this.#finish(job, {
        status: 'dead',
        finished_at: this.#clock.now(),
        last_error: job.last_error ?? 'worker stopped during the last attempt',
      });
      this.#registry.failed(job.name, new Error('worker stopped during the last attempt'), false);
      return;
    }
    const heartbeat = setInterval(
      () => void this.#extendLease(job.id),
      Math.floor(this.#leaseMs / 3),
    );
    try {
      await this.#registry.run(job.name, JSON.parse(job.payload), {
        id: String(job.id),
        name: job.name,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        accountId: job.account_id,
      });
      clearInterval(heartbeat);
      // Only while the lease is still ours (another worker may have taken over).
      await completeJob.execute(this.#options.db, {
        id: job.id,
        workerId: this.#workerId,
        now: this.#clock.now(),
      });
      this.#registry.completed(job.name);
    } catch (error) {
      clearInterval(heartbeat);
      const willRetry = job.attempts < job.max_attempts;
      const now = this.#clock.now();
      logger.warn(
        { err: error, job: job.id, name: job.name, attempt: job.attempts, willRetry },
        'job failed',
      );
      await this.#finish(
        job,
        willRetry
          ? {
              status: 'queued',
              run_at: now + retryDelay(job.backoff_ms, job.attempts),
              last_error: describeError(error),
            }
          : { status: 'dead', finished_at: now, last_error: describeError(error) },
      ).catch((finishError: unknown) => {
        logger.error({ err: finishError, job: job.id }, 'could not record job failure');
      });
      this.#registry.failed(job.name, error, willRetry);
    }
  }

  /** Writes a failure's outcome only while the lease is still ours (another worker may have taken over). */
  async #finish(
    job: JobRow,
    outcome: {
      status: 'queued' | 'dead';
      run_at?: number;
      finished_at?: number;
      last_error: string | null;
    },
  ): Promise<void> {
    await this.#options.db
      .updateTable('jobs')
      .set({ ...outcome, locked_by: null, locked_until: null, updated_at: this.#clock.now() })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.#workerId)
      .execute();
  }

  async #extendLease(id: number): Promise<void> {
    try {
      await this.#options.db
        .updateTable('jobs')
        .set({ locked_until: this.#clock.now() + this.#leaseMs })
        .where('id', '=', id)
        .where('locked_by', '=', this.#workerId)
        .execute();
    } catch (error) {
      this.#options.logger.warn({ err: error, job: id }, 'could not extend job lease');
    }
  }

  async #pruneIfDue(): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    await this.#options.db
      .deleteFrom('jobs')
      .where('status', '=', 'completed')
      .where('finished_at', '<', now - (this.#options.retentionMs ?? DEFAULT_RETENTION_MS))
      .execute();
  }
}
