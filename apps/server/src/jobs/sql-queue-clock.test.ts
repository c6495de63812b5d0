import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../storage/database.js';
import { testLogger } from '../testing/logger.js';
import { TestClock } from '../testing/test-clock.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/test-databases.js';
import { sleep, waitFor } from '../testing/wait-for.js';
import { SqlJobQueue } from './sql-queue.js';

declare module './job-types.js' {
  interface JobTypes {
    'test.clock': { readonly value: string };
  }
}

const HOUR = 60 * 60 * 1_000;
/** Years away from the real time: a queue reading `Date.now()` anywhere gets it wrong. */
const T = Date.parse('2031-06-02T09:00:00Z');

describe.each(DIALECTS)('the database job queue on a moved clock (%s)', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database | undefined;
  let queue: SqlJobQueue | undefined;
  afterEach(async () => {
    await queue?.close();
    await database?.close();
    await testDb?.drop();
    [queue, database, testDb] = [undefined, undefined, undefined];
  });

  it('decides what is due by its clock, not by the system time', async () => {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const clock = new TestClock(T);
    const q = (queue = new SqlJobQueue({
      db: database.db,
      dialect,
      logger: testLogger(),
      concurrency: 2,
      pollMs: 20,
      clock,
    }));
    const runs: { value: string; at: number }[] = [];
    q.register({
      name: 'test.clock',
      payload: z.object({ value: z.string() }),
      handle: (payload) => {
        runs.push({ value: payload.value, at: clock.now() });
        return Promise.resolve();
      },
    });
    await q.start();
    await q.enqueue('test.clock', { value: 'now' });
    await q.enqueue('test.clock', { value: 'in an hour' }, { delayMs: HOUR });
    await waitFor(() => runs.length === 1, 5_000, 'the due job');
    const rows = await database.db.selectFrom('jobs').select('run_at').orderBy('id').execute();
    // Run times are stamped from the clock too (within 5 s of it, not years away).
    expect(rows.map((row) => row.run_at - T)).toEqual([
      expect.closeTo(0, -4),
      expect.closeTo(HOUR, -4),
    ]);
    await sleep(200);
    expect(runs.map((run) => run.value)).toEqual(['now']);
    expect(await q.depth()).toEqual({ queued: 0, delayed: 1, running: 0, dead: 0 });

    clock.advance(HOUR);
    await waitFor(() => runs.length === 2, 5_000, 'the delayed job once the clock moved');
    expect(runs[1]?.value).toBe('in an hour');
    expect(runs[1]?.at).toBeGreaterThanOrEqual(T + HOUR);
  });
});
