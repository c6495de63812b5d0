import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/config.js';
import { bootstrapFirstAccount } from '../../core/accounts/bootstrap.js';
import { createAccount } from '../../core/accounts/accounts-service.js';
import { createRuntime } from '../../runtime.js';
import { testLogger } from '../../testing/logger.js';
import type { TestApp } from '../../testing/test-app.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestStack,
} from '../../testing/test-databases.js';
import { buildApp } from '../app.js';
import { registerInboxRoutes } from './inbox-routes.js';

/**
 * testing/test-app.ts's createTestApp, plus the inbox routes: routes can only be added
 * before `ready()`, which createTestApp calls itself. Once native/index.ts registers the
 * inbox, the routes exist already and this adds nothing, so the tests keep passing as they
 * are (and this file can become a plain call to createTestApp).
 */
export async function createInboxTestApp(stack: TestStack): Promise<TestApp> {
  const redisUrl = stack.redis ? testRedisUrl() : undefined;
  const redisPrefix = uniqueRedisPrefix('inbox');
  const database = await createTestDatabase(stack.dialect);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PARLEY_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://parley.test',
    PARLEY_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    PARLEY_JOB_POLL_MS: '20',
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: redisPrefix }),
  });
  const runtime = await createRuntime(config, { logger: testLogger() });
  const first = await bootstrapFirstAccount(runtime.database.db, config);
  if (first === undefined) throw new Error('a fresh database must bootstrap');
  const app = await buildApp(runtime);
  if (!app.hasRoute({ method: 'GET', url: '/api/native/conversations' })) {
    await app.register(
      (scope) => {
        registerInboxRoutes(scope, runtime);
        return Promise.resolve();
      },
      { prefix: '/api/native' },
    );
  }
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
