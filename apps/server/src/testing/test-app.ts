import type { FastifyInstance } from 'fastify';
import { loadConfig, type Environment } from '../config/config.js';
import { bootstrapFirstAccount } from '../core/accounts/bootstrap.js';
import { createAccount, type CreatedAccount } from '../core/accounts/accounts-service.js';
import { buildApp } from '../http/app.js';
import { createRuntime, type Runtime } from '../runtime.js';
import type { DialectName } from '../storage/dialects/dialect.js';
import { testLogger } from './logger.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
  type TestStack,
} from './test-databases.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly database: TestDatabase;
  /** The first account, created as on a real first start. */
  readonly first: CreatedAccount;
  /** Creates another account (for isolation tests). */
  createAccount(name: string): Promise<CreatedAccount>;
  close(): Promise<void>;
}

/**
 * A whole Parley app on a fresh database of the given dialect, driven with `inject`
 * (no socket). Extra environment variables override the test defaults.
 */
export async function createTestApp(
  stack: DialectName | TestStack,
  env: Environment = {},
): Promise<TestApp> {
  const { dialect, redis } = typeof stack === 'string' ? { dialect: stack, redis: false } : stack;
  const redisUrl = redis ? testRedisUrl() : undefined;
  const redisPrefix = uniqueRedisPrefix('app');
  const database = await createTestDatabase(dialect);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PARLEY_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://parley.test',
    PARLEY_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    PARLEY_JOB_POLL_MS: '20',
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: redisPrefix }),
    ...env,
  });
  const runtime = await createRuntime(config, { logger: testLogger() });
  const first = await bootstrapFirstAccount(runtime.database.db, config);
  if (first === undefined) throw new Error('a fresh database must bootstrap');
  const app = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    database,
    first,
    createAccount: (name) =>
      runtime.database.db.transaction().execute((trx) =>
        createAccount(trx, {
          name,
          adminEmail: `admin@${name.toLowerCase().replace(/\W/g, '')}.test`,
        }),
      ),
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
      if (redisUrl !== undefined) await deleteRedisKeys(redisUrl, redisPrefix);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
