import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { startParleyProcess, type ParleyProcess } from './parley-process.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestStack,
} from './test-databases.js';

/**
 * What whole-process tests share: temp data directories, `parley start` processes killed
 * after each test, and the environment of a backend stack. Call it once at the top of a
 * test file; everything it made is released after each test, newest first.
 */
export function processFixtures(label: string) {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = (cleanup: () => Promise<unknown>): void => {
    cleanups.push(cleanup);
  };

  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${label}-`));
    track(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    });
    return dir;
  }

  async function start(env: Record<string, string>): Promise<ParleyProcess> {
    const parley = await startParleyProcess(env);
    track(() => parley.kill('SIGKILL'));
    return parley;
  }

  /**
   * The environment processes of one stack share: a data directory (the SQLite file and the
   * secret key), and for PostgreSQL a fresh database, with Redis a key prefix of its own.
   */
  async function stackEnv(stack: TestStack, token: string): Promise<Record<string, string>> {
    const env = { PARLEY_DATA_DIR: tempDir(), PARLEY_BOOTSTRAP_TOKEN: token };
    if (stack.dialect === 'sqlite') return env;
    const database = await createTestDatabase('postgres');
    track(() => database.drop());
    if (!stack.redis) return { ...env, DATABASE_URL: database.url };
    const redisUrl = testRedisUrl() ?? '';
    const prefix = uniqueRedisPrefix(label);
    track(() => deleteRedisKeys(redisUrl, prefix));
    return { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: prefix };
  }

  return { track, tempDir, start, stackEnv };
}
