import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Environment } from '../config/config.js';
import { bootstrapFirstAccount } from '../core/accounts/bootstrap.js';
import { createAccount } from '../core/accounts/accounts-service.js';
import { buildApp } from '../http/app.js';
import { createRuntime } from '../runtime.js';
import { testLogger } from '../testing/logger.js';
import type { TestApp } from '../testing/test-app.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
  type TestStack,
} from '../testing/test-databases.js';
import { registerRealtime } from './realtime-plugin.js';

export const REALTIME_PATH = '/api/native/realtime';

export interface RealtimeTestApp extends TestApp {
  /** http://127.0.0.1:<port>: the app listens, so real WebSocket clients can connect. */
  readonly url: string;
  readonly redisPrefix: string;
}

export interface RealtimeTestAppOptions {
  readonly env?: Environment;
  readonly logger?: Logger;
  /** Share a database (and Redis prefix) with another app: two "processes" in one test. */
  readonly shared?: { readonly database: TestDatabase; readonly redisPrefix: string };
}

/**
 * `createTestApp` (testing/test-app.ts) plus the realtime endpoint, listening on a loopback
 * port. Once app.ts registers the endpoint itself, this helper leaves it as it is.
 */
export async function createRealtimeTestApp(
  stack: TestStack,
  options: RealtimeTestAppOptions = {},
): Promise<RealtimeTestApp> {
  const redisUrl = stack.redis ? testRedisUrl() : undefined;
  const redisPrefix = options.shared?.redisPrefix ?? uniqueRedisPrefix('realtime');
  const owned = options.shared === undefined;
  const database = options.shared?.database ?? (await createTestDatabase(stack.dialect));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PARLEY_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://parley.test',
    PARLEY_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    PARLEY_JOB_POLL_MS: '20',
    PARLEY_BOOTSTRAP_TOKEN: 'realtime-test-token-0123456789',
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: redisPrefix }),
    ...options.env,
  });
  const runtime = await createRuntime(config, { logger: options.logger ?? testLogger() });
  const created = await bootstrapFirstAccount(runtime.database.db, config);
  // A second app on a shared database finds the account the first one bootstrapped.
  const first = created ?? (await sharedFirstAccount(runtime.database.db));
  const app = await buildApp(runtime);
  if (!app.hasRoute({ method: 'GET', url: REALTIME_PATH })) await registerRealtime(app, runtime);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    app,
    runtime,
    database,
    first,
    redisPrefix,
    url: `http://127.0.0.1:${port}`,
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
      // The app that created the database and prefix cleans them up.
      if (owned) await database.drop();
      if (owned && redisUrl !== undefined) await deleteRedisKeys(redisUrl, redisPrefix);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function sharedFirstAccount(db: RealtimeTestApp['runtime']['database']['db']) {
  const account = await db
    .selectFrom('accounts')
    .selectAll()
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const admin = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', account.id)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return { account, admin, adminPassword: '', accountToken: 'realtime-test-token-0123456789' };
}
