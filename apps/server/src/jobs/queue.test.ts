import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Insertable } from 'kysely';
import type { Database } from '../storage/database.js';
import type { DialectName } from '../storage/dialects/dialect.js';
import type { JobsTable } from '../storage/schema.js';
import { inTransaction } from '../storage/transaction.js';
import { testLogger } from '../testing/logger.js';
import {
  deleteRedisKeys,
  createTestDatabase,
  DIALECTS,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from '../testing/test-databases.js';
import { sleep, waitFor } from '../testing/wait-for.js';
import { BullMqJobQueue } from './bullmq-queue.js';
import type { JobQueue, QueueDepth } from './queue.js';
import { SqlJobQueue } from './sql-queue.js';

declare module './job-types.js' {
  interface JobTypes {
    'test.record': { readonly value: string; readonly failTimes?: number };
  }
}

const recordPayload = z.object({ value: z.string(), failTimes: z.number().int().optional() });

type Backend =
  | { readonly name: string; readonly kind: 'sql'; readonly dialect: DialectName }
  | {
      readonly name: string;
      readonly kind: 'bullmq';
      readonly dialect: DialectName;
      readonly redisUrl: string;
    };

const redisUrl = testRedisUrl();
/** Every configured backend; one that is not configured is simply absent. */
const BACKENDS: readonly Backend[] = [
  ...DIALECTS.map((dialect): Backend => ({ name: `sql on ${dialect}`, kind: 'sql', dialect })),
  ...(redisUrl === undefined
    ? []
    : DIALECTS.map((dialect): Backend => ({
        name: `bullmq with ${dialect}`,
        kind: 'bullmq',
        dialect,
        redisUrl,
      }))),
];

interface Run {
  readonly value: string;
  readonly instance: string;
  readonly attempt: number;
  readonly accountId: number | null;
  readonly at: number;
}

const IDLE: QueueDepth = { queued: 0, delayed: 0, running: 0, dead: 0 };
/** After the awaited outcome, how long a duplicate or stray run is given to show up. */
const SETTLE_MS = 200;

describe.each(BACKENDS)('job queue contract: $name', (backend) => {
  let testDb: TestDatabase;
  let prefix: string;
  let cleanups: (() => Promise<void>)[];
  let runs: Run[];
  let completions: string[];
  let failures: { name: string; willRetry: boolean }[];

  beforeEach(async () => {
    testDb = await createTestDatabase(backend.dialect);
    prefix = uniqueRedisPrefix('jobs');
    cleanups = [];
    runs = [];
    completions = [];
    failures = [];
    if (backend.kind === 'bullmq') cleanups.push(() => deleteRedisKeys(backend.redisUrl, prefix));
  });

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await testDb.drop();
  });

  /** A queue (on its own connection unless given one), recording every attempt. */
  function openQueue(
    instance = 'a',
    options: { concurrency?: number; handlerMs?: number; database?: Database } = {},
  ) {
    const database = options.database ?? testDb.open();
    const common = {
      db: database.db,
      dialect: backend.dialect,
      logger: testLogger(),
      concurrency: options.concurrency ?? 4,
      events: {
        onCompleted: (name: string) => completions.push(name),
        onFailed: (name: string, _error: unknown, willRetry: boolean) =>
          failures.push({ name, willRetry }),
      },
    };
    const queue: JobQueue =
      backend.kind === 'sql'
        ? new SqlJobQueue({ ...common, pollMs: 20 })
        : new BullMqJobQueue({ ...common, redisUrl: backend.redisUrl, prefix, relayPollMs: 50 });
    queue.register({
      name: 'test.record',
      payload: recordPayload,
      handle: async (payload, context) => {
        const { attempt, accountId } = context;
        runs.push({ value: payload.value, instance, attempt, accountId, at: Date.now() });
        if (options.handlerMs !== undefined) await sleep(options.handlerMs);
        if (attempt <= (payload.failTimes ?? 0))
          throw new Error(`planned failure on attempt ${attempt}`);
      },
    });
    cleanups.push(async () => {
      await queue.close();
      if (options.database === undefined) await database.close();
    });
    return { queue, database };
  }

  const values = () => runs.map((run) => run.value).sort();

  it('runs a job once, with its payload and account', async () => {
    const { queue } = openQueue();
    await queue.start();
    await queue.enqueue('test.record', { value: 'hello' }, { accountId: 7 });
    await waitFor(() => completions.length === 1, 5_000, 'the job to complete');
    await sleep(SETTLE_MS);
    expect(runs).toEqual([expect.objectContaining({ value: 'hello', attempt: 1, accountId: 7 })]);
    expect(completions).toEqual(['test.record']);
    expect(await queue.depth()).toEqual(IDLE);
  });

  it('does not run a delayed job before its time, and runs it after', async () => {
    const { queue } = openQueue();
    await queue.start();
    const runAt = Date.now() + 300;
    await queue.enqueue('test.record', { value: 'later' }, { runAt });
    await sleep(150);
    expect(runs).toEqual([]);
    expect(await queue.depth()).toEqual({ ...IDLE, delayed: 1 });
    await waitFor(() => runs.length === 1, 10_000, 'the delayed job');
    // A few ms of slack for timer granularity; an ignored delay would run ~300 ms early.
    expect(runs[0]?.at).toBeGreaterThanOrEqual(runAt - 5);
  });

  it('retries a failing job with exponential backoff, then keeps it dead', async () => {
    const { queue } = openQueue();
    await queue.start();
    const backoffMs = 100;
    await queue.enqueue(
      'test.record',
      { value: 'doomed', failTimes: 99 },
      { maxAttempts: 4, backoffMs },
    );
    await waitFor(() => failures.length === 4, 5_000, 'four failed attempts');
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = runs.slice(1).map((run, index) => run.at - (runs[index]?.at ?? 0));
    gaps.forEach((gap, index) => {
      // base, 2×base, 4×base: a fixed or missing backoff fails the later gaps.
      expect(gap).toBeGreaterThanOrEqual(backoffMs * 2 ** index - 10);
      if (index > 0) expect(gap).toBeGreaterThan(gaps[index - 1] ?? 0);
    });
    expect(failures.map((failure) => failure.willRetry)).toEqual([true, true, true, false]);
    await waitFor(async () => (await queue.depth()).dead === 1, 10_000, 'the job to be dead');
    expect(await queue.depth()).toEqual({ ...IDLE, dead: 1 });
    expect(completions).toEqual([]);
  });

  it('runs two enqueues with the same idempotency key once', async () => {
    const { queue } = openQueue();
    await queue.start();
    await queue.enqueue('test.record', { value: 'first' }, { idempotencyKey: 'welcome:42' });
    await queue.enqueue('test.record', { value: 'second' }, { idempotencyKey: 'welcome:42' });
    await queue.enqueue('test.record', { value: 'other' }, { idempotencyKey: 'welcome:43' });
    await waitFor(() => completions.length >= 2, 5_000, 'the keyed jobs');
    await sleep(SETTLE_MS);
    expect(values()).toEqual(['first', 'other']);
  });

  it('enqueues inside a transaction: nothing on rollback, the job after commit', async () => {
    const { queue, database } = openQueue();
    await queue.start();
    const rollback = inTransaction(database.db, async (unit) => {
      await queue.enqueue('test.record', { value: 'rolled back' }, {}, unit);
      throw new Error('abort the unit');
    });
    await expect(rollback).rejects.toThrow('abort the unit');
    await inTransaction(database.db, async (unit) => {
      await queue.enqueue('test.record', { value: 'committed' }, {}, unit);
      // Held open a while: a job that escaped the transaction would run meanwhile.
      await sleep(100);
    });
    const committedAt = Date.now();
    await waitFor(() => runs.length >= 1, 5_000, 'the committed job');
    await sleep(SETTLE_MS);
    expect(values()).toEqual(['committed']);
    expect(runs[0]?.at).toBeGreaterThanOrEqual(committedAt);
    expect(await queue.depth()).toEqual(IDLE);
  });

  it('shares one database between two queue instances: every job runs exactly once', async () => {
    const a = openQueue('a', { concurrency: 2, handlerMs: 25 });
    // On SQLite the instances share a connection: two better-sqlite3 connections in one
    // thread deadlock (one blocks the thread in busy_timeout while the other holds a
    // write transaction across an await). Separate processes do not have that problem.
    const shared = backend.dialect === 'sqlite' ? a.database : undefined;
    const b = openQueue('b', { concurrency: 2, handlerMs: 25, database: shared });
    await Promise.all([a.queue.start(), b.queue.start()]);
    const expected = Array.from(
      { length: 20 },
      (_, index) => `job-${String(index).padStart(2, '0')}`,
    );
    for (const [index, value] of expected.entries()) {
      await (index % 2 === 0 ? a : b).queue.enqueue('test.record', { value });
    }
    await waitFor(() => completions.length >= 20, 10_000, 'twenty jobs');
    await sleep(SETTLE_MS);
    expect(values()).toEqual(expected);
    // SQLite serialises the claims of both instances, so one may legitimately take all.
    if (!(backend.kind === 'sql' && backend.dialect === 'sqlite')) {
      expect(new Set(runs.map((run) => run.instance))).toEqual(new Set(['a', 'b']));
    }
  });

  // A dead worker is simulated by its leftovers in the jobs table, which only the SQL
  // backend has; BullMQ's stalled-job recovery is BullMQ's own (and tested there).
  if (backend.kind === 'sql') {
    it('re-runs a job whose worker died, once its lease has expired', async () => {
      const { queue, database } = openQueue();
      const now = Date.now();
      // What a worker leaves behind mid-job: status running, first attempt counted, a lease.
      const claimedRow = (
        value: string,
        lockedBy: string,
        lockedUntil: number,
      ): Insertable<JobsTable> => ({
        account_id: null,
        name: 'test.record',
        payload: JSON.stringify({ value }),
        status: 'running',
        run_at: now - 1_000,
        attempts: 1,
        max_attempts: 3,
        backoff_ms: 100,
        locked_by: lockedBy,
        locked_until: lockedUntil,
        created_at: now - 1_000,
        updated_at: now - 1_000,
      });
      await database.db
        .insertInto('jobs')
        .values([
          claimedRow('orphan', 'dead-worker', now - 1),
          claimedRow('leased', 'live-worker', now + 60_000),
        ])
        .execute();
      await queue.start();
      await waitFor(() => completions.length === 1, 5_000, 'the orphaned job');
      await sleep(SETTLE_MS);
      // The orphan's first attempt counted; the live worker's lease is respected.
      expect(runs).toEqual([expect.objectContaining({ value: 'orphan', attempt: 2 })]);
      expect(await queue.depth()).toEqual({ ...IDLE, running: 1 });
    });
  }
});
