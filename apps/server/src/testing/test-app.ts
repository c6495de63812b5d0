import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig, type Environment } from '../config/config.js';
import { bootstrapFirstAccount } from '../core/accounts/bootstrap.js';
import { createAccount, type CreatedAccount } from '../core/accounts/accounts-service.js';
import { buildApp } from '../http/app.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
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
  /** `http://127.0.0.1:<port>` when created with `listen` (real sockets, WebSockets). */
  readonly url: string;
  /** The Redis key prefix of this app (shared apps share it). */
  readonly redisPrefix: string;
  readonly runtime: Runtime;
  readonly database: TestDatabase;
  /** The first account, created as on a real first start. */
  readonly first: CreatedAccount;
  /** Creates another account (for isolation tests). */
  createAccount(name: string): Promise<CreatedAccount>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Listen on a loopback port (for real HTTP or WebSocket clients); else `inject` only. */
  readonly listen?: boolean;
  /** The port to listen on (default: any free one). */
  readonly port?: number;
  readonly logger?: Logger;
  /** Share another app's database and Redis prefix: two "processes" in one test. */
  readonly shared?: { readonly database: TestDatabase; readonly redisPrefix: string };
  /** Options for the runtime (bot expiry, webhook timing). */
  readonly runtime?: Omit<RuntimeOptions, 'logger'>;
}

/** The account token every test app's first account gets. */
export const TEST_ACCOUNT_TOKEN = 'test-account-token-0123456789';

/**
 * A whole Parley app on a fresh database of the given dialect (driven with `inject`, or
 * listening when asked). Extra environment variables override the test defaults.
 */
export async function createTestApp(
  stack: DialectName | TestStack,
  env: Environment = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const { dialect, redis } = typeof stack === 'string' ? { dialect: stack, redis: false } : stack;
  const redisUrl = redis ? testRedisUrl() : undefined;
  const redisPrefix = options.shared?.redisPrefix ?? uniqueRedisPrefix('app');
  const owned = options.shared === undefined;
  const database = options.shared?.database ?? (await createTestDatabase(dialect));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-data-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PARLEY_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://parley.test',
    PARLEY_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    PARLEY_JOB_POLL_MS: '20',
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
    PARLEY_BOOTSTRAP_TOKEN: TEST_ACCOUNT_TOKEN,
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: redisPrefix }),
    ...env,
  });
  const runtime = await createRuntime(config, {
    ...options.runtime,
    logger: options.logger ?? testLogger(),
  });
  // A second app on a shared database finds the account the first one bootstrapped.
  const first =
    (await bootstrapFirstAccount(runtime.database.db, config)) ??
    (await existingFirstAccount(runtime));
  const app = await buildApp(runtime);
  await app.ready();
  let url = '';
  if (options.listen === true) {
    await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }
  return {
    app,
    url,
    redisPrefix,
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
      // The app that created the database and prefix cleans them up.
      if (owned) await database.drop();
      if (owned && redisUrl !== undefined) await deleteRedisKeys(redisUrl, redisPrefix);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function existingFirstAccount(runtime: Runtime): Promise<CreatedAccount> {
  const { db } = runtime.database;
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
  return { account, admin, adminPassword: '', accountToken: TEST_ACCOUNT_TOKEN };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** A JSON POST with the first account's token (or another one). */
export function postJson(
  t: TestApp,
  url: string,
  body: unknown,
  token = t.first.accountToken,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(token), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}
