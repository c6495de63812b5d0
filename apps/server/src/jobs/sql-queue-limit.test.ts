import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../storage/database.js';
import { testLogger } from '../testing/logger.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-databases.js';
import { sleep, waitFor } from '../testing/wait-for.js';
import type { JobConcurrencyLimit } from './event-loop-pressure.js';
import { SqlJobQueue } from './sql-queue.js';

declare module './job-types.js' {
  interface JobTypes {
    'test.limited': { readonly value: number };
  }
}

describe('the database job queue under a concurrency limit', () => {
  let testDb: TestDatabase | undefined;
  let database: Database | undefined;
  let queue: SqlJobQueue | undefined;
  afterEach(async () => {
    await queue?.close();
    await database?.close();
    await testDb?.drop();
  });

  it('runs as many jobs at once as the limit allows at the time, never fewer than one', async () => {
    testDb = await createTestDatabase('sqlite');
    database = testDb.open();
    let allowed = 1;
    const limit: JobConcurrencyLimit = { allowed: (configured) => Math.min(configured, allowed) };
    const q = (queue = new SqlJobQueue({
      db: database.db,
      dialect: 'sqlite',
      logger: testLogger(),
      concurrency: 4,
      pollMs: 10,
      concurrencyLimit: limit,
    }));
    let running = 0;
    const peaks: number[] = [];
    const done: number[] = [];
    q.register({
      name: 'test.limited',
      payload: z.object({ value: z.number() }),
      handle: async ({ value }) => {
        running += 1;
        peaks.push(running);
        await sleep(30);
        running -= 1;
        done.push(value);
      },
    });
    for (let value = 0; value < 12; value++) await q.enqueue('test.limited', { value });
    await q.start();
    await waitFor(() => done.length === 4, 5_000, 'the first four jobs');
    expect(Math.max(...peaks)).toBe(1);
    allowed = 4; // the pressure is gone
    await waitFor(() => done.length === 12, 5_000, 'the rest');
    expect(Math.max(...peaks)).toBe(4);
  });
});
