import type { z } from 'zod';
import type { UnitOfWork } from '../storage/transaction.js';
import type { JobName, JobTypes } from './job-types.js';

export interface EnqueueOptions {
  /** Run at this time (epoch ms); default now. */
  readonly runAt?: number;
  /** Or after this many milliseconds. */
  readonly delayMs?: number;
  /** Attempts before the job is dead; default 5. */
  readonly maxAttempts?: number;
  /** First retry delay; each further retry doubles it. Default 1 s. */
  readonly backoffMs?: number;
  /** A second enqueue with the same key is ignored while the first is kept. */
  readonly idempotencyKey?: string;
  readonly accountId?: number | null;
}

export interface JobContext {
  readonly id: string;
  readonly name: string;
  /** 1 on the first run. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly accountId: number | null;
}

export type JobHandler<N extends JobName> = (
  payload: JobTypes[N],
  context: JobContext,
) => Promise<void>;

/**
 * A job kind: its name, the schema its stored payload is checked against before the
 * handler sees it (a row written by an older version fails loudly, not strangely), and
 * the handler.
 */
export interface JobDefinition<N extends JobName> {
  readonly name: N;
  readonly payload: z.ZodType<JobTypes[N]>;
  readonly handle: JobHandler<N>;
}

export interface QueueDepth {
  /** Due now and waiting for a worker. */
  readonly queued: number;
  /** Scheduled for later (delays, retries after backoff). */
  readonly delayed: number;
  readonly running: number;
  /** Out of attempts; kept for inspection. */
  readonly dead: number;
}

export interface JobEvents {
  onCompleted?(name: string): void;
  onFailed?(name: string, error: unknown, willRetry: boolean): void;
}

/**
 * A durable job queue. Enqueueing inside a unit of work commits the job with the state
 * change that caused it (transactional outbox); it runs at least once, after commit.
 * Handlers must be idempotent: a worker that dies mid-job means the job runs again.
 */
export interface JobQueue {
  readonly backend: 'sql' | 'bullmq';
  enqueue<N extends JobName>(
    name: N,
    payload: JobTypes[N],
    options?: EnqueueOptions,
    unit?: UnitOfWork,
  ): Promise<void>;
  register<N extends JobName>(definition: JobDefinition<N>): void;
  /** Starts executing jobs in this process. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (up to the timeout). */
  stop(timeoutMs?: number): Promise<void>;
  depth(): Promise<QueueDepth>;
  /** Releases connections. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60 * 60 * 1_000;

/** Exponential backoff: base, 2×base, 4×base … capped at an hour. */
export function retryDelay(backoffMs: number, attemptsMade: number): number {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** Math.max(0, attemptsMade - 1));
}

export function resolveRunAt(options: EnqueueOptions, now: number): number {
  return options.runAt ?? now + (options.delayMs ?? 0);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2_000);
  return String(error).slice(0, 2_000);
}

/** The columns a pending job has in both the `jobs` and the `outbox` tables. */
export function pendingJobColumns(
  name: string,
  payload: unknown,
  options: EnqueueOptions,
  defaultBackoffMs: number | undefined,
  now: number,
) {
  return {
    account_id: options.accountId ?? null,
    name,
    payload: JSON.stringify(payload),
    run_at: resolveRunAt(options, now),
    max_attempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    backoff_ms: options.backoffMs ?? defaultBackoffMs ?? DEFAULT_BACKOFF_MS,
    idempotency_key: options.idempotencyKey ?? null,
  };
}
