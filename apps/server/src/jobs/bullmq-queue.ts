import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../storage/database.js';
import type { DialectName } from '../storage/dialects/dialect.js';
import { withinUnit, type UnitOfWork } from '../storage/transaction.js';
import { HandlerRegistry } from './handler-registry.js';
import type { JobName, JobTypes } from './job-types.js';
import { OutboxRelay, type BullJobData, type BullQueue } from './outbox-relay.js';
import {
  pendingJobColumns,
  type EnqueueOptions,
  type JobDefinition,
  type JobEvents,
  type JobQueue,
  type QueueDepth,
} from './queue.js';

export interface BullMqQueueOptions {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly redisUrl: string;
  /** Redis key prefix: installations (and test runs) with different prefixes never meet. */
  readonly prefix: string;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly events?: JobEvents;
  /** First retry delay for jobs that do not set their own (as SqlQueueOptions). */
  readonly defaultBackoffMs?: number;
  /** Run the outbox relay from construction on (default true), without waiting for start(). */
  readonly relay?: boolean;
  readonly relayPollMs?: number;
  /** How long a running job's lock lives without renewal (BullMQ default 30 s). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are looked for (BullMQ default 30 s). */
  readonly stalledIntervalMs?: number;
}

const QUEUE_NAME = 'jobs';
const DEFAULT_RELAY_POLL_MS = 1_000;
const DEFAULT_LOCK_DURATION_MS = 30_000;

/** Checked on arrival: Redis may hold jobs written by an older version or by hand. */
const jobDataSchema = z.object({ payload: z.unknown(), accountId: z.number().nullable() });

/**
 * Jobs in Redis through BullMQ, for deployments that already run Redis. Enqueueing never
 * talks to Redis: it writes an outbox row in the caller's transaction, and the relay moves
 * committed rows to BullMQ (see OutboxRelay). Retries, delays and stalled-job recovery are
 * BullMQ's own; a job whose worker died is re-run by the stalled checker.
 */
export class BullMqJobQueue implements JobQueue {
  readonly backend = 'bullmq';
  readonly #options: BullMqQueueOptions;
  readonly #registry: HandlerRegistry;
  readonly #connection: Redis;
  readonly #queue: BullQueue;
  readonly #relay: OutboxRelay;
  #workerConnection: Redis | undefined;
  #worker: Worker<BullJobData> | undefined;

  constructor(options: BullMqQueueOptions) {
    this.#options = options;
    this.#registry = new HandlerRegistry(options.events);
    this.#connection = new Redis(options.redisUrl);
    this.#queue = new Queue<BullJobData>(QUEUE_NAME, {
      connection: this.#connection,
      prefix: options.prefix,
    });
    // Without a listener an 'error' event (Redis unreachable) would throw.
    this.#queue.on('error', (error) => {
      options.logger.error({ err: error }, 'job queue connection error');
    });
    this.#relay = new OutboxRelay({
      db: options.db,
      dialect: options.dialect,
      queue: this.#queue,
      logger: options.logger,
      pollMs: options.relayPollMs ?? DEFAULT_RELAY_POLL_MS,
    });
    // A process that only serves HTTP enqueues too; its rows must reach Redis without workers.
    if (options.relay ?? true) this.#relay.start();
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobTypes[N],
    options: EnqueueOptions = {},
    unit?: UnitOfWork,
  ): Promise<void> {
    const now = Date.now();
    await withinUnit(this.#options.db, unit, async (work) => {
      await work.db
        .insertInto('outbox')
        .values({
          ...pendingJobColumns(name, payload, options, this.#options.defaultBackoffMs, now),
          created_at: now,
        })
        .execute();
      // Only after commit: a relay woken earlier could not see the row yet.
      work.afterCommit(() => {
        this.#relay.kick();
      });
    });
  }

  register<N extends JobName>(definition: JobDefinition<N>): void {
    this.#registry.register(definition);
  }

  async start(): Promise<void> {
    this.#relay.start();
    if (this.#worker !== undefined) return;
    const { logger, prefix, concurrency } = this.#options;
    // Workers block on Redis; BullMQ requires such connections to retry forever.
    this.#workerConnection ??= new Redis(this.#options.redisUrl, { maxRetriesPerRequest: null });
    const worker = new Worker<BullJobData>(QUEUE_NAME, (job) => this.#process(job), {
      connection: this.#workerConnection,
      prefix,
      concurrency,
      lockDuration: this.#options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
      ...(this.#options.stalledIntervalMs === undefined
        ? {}
        : { stalledInterval: this.#options.stalledIntervalMs }),
    });
    worker.on('completed', (job) => {
      this.#registry.completed(job.name);
    });
    worker.on('failed', (job, error) => {
      this.#failed(job, error);
    });
    worker.on('stalled', (jobId) => {
      logger.warn({ job: jobId }, 'job stalled (its worker stopped); it runs again');
    });
    worker.on('error', (error) => {
      logger.error({ err: error }, 'job worker error');
    });
    this.#worker = worker;
    await worker.waitUntilReady();
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    await this.#relay.stop();
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    // close() stops fetching and waits for the active jobs. Past the timeout we give up
    // waiting: their locks expire and the stalled checker hands them to another worker.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        resolve(true);
      }, timeoutMs);
    });
    const closed = worker.close().then(() => false);
    const gaveUp = await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    if (gaveUp)
      this.#options.logger.warn(
        { timeoutMs },
        'jobs still running at shutdown; they will be re-run',
      );
  }

  async close(): Promise<void> {
    await this.stop();
    await this.#queue.close();
    // BullMQ does not close connections it was handed; these are ours.
    await Promise.allSettled([this.#connection.quit(), this.#workerConnection?.quit()]);
  }

  async depth(): Promise<QueueDepth> {
    const now = Date.now();
    const [counts, outbox] = await Promise.all([
      this.#queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed'),
      this.#options.db
        .selectFrom('outbox')
        .select((eb) => [
          eb.fn.countAll<number>().as('count'),
          eb.fn.countAll<number>().filterWhere('run_at', '>', now).as('later'),
        ])
        .executeTakeFirstOrThrow(),
    ]);
    const count = (state: string): number => counts[state] ?? 0;
    // Rows the relay has not moved yet are jobs too: due ones queued, future ones delayed.
    const pendingLater = outbox.later;
    const pendingDue = outbox.count - pendingLater;
    return {
      queued: count('waiting') + count('prioritized') + pendingDue,
      delayed: count('delayed') + pendingLater,
      running: count('active'),
      dead: count('failed'),
    };
  }

  async #process(job: Job<BullJobData>): Promise<void> {
    const data = jobDataSchema.parse(job.data);
    await this.#registry.run(job.name, data.payload, {
      id: job.id ?? '',
      name: job.name,
      // attemptsMade counts finished attempts; this one is the next.
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      accountId: data.accountId,
    });
  }

  #failed(job: Job<BullJobData> | undefined, error: Error): void {
    if (job === undefined) {
      this.#options.logger.error({ err: error }, 'job failed');
      return;
    }
    // BullMQ has already counted this attempt when it emits 'failed'.
    const willRetry = job.attemptsMade < (job.opts.attempts ?? 1);
    this.#options.logger.warn(
      { err: error, job: job.id, name: job.name, attempt: job.attemptsMade, willRetry },
      'job failed',
    );
    this.#registry.failed(job.name, error, willRetry);
  }
}
