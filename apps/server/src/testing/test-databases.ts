import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DialectName } from '../storage/dialects/dialect.js';
import { openDatabase, type Database } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrator.js';

/**
 * Kysely's DIALECTS pattern: storage and job tests loop one body over every SQL engine.
 * SQLite always runs. PostgreSQL runs when PARLEY_TEST_POSTGRES_URL is set; under CI
 * (CI=true) it must be set, and a missing server fails the run instead of skipping.
 */
export const DIALECTS: readonly DialectName[] = enabledDialects();

function enabledDialects(): DialectName[] {
  if (
    process.env.PARLEY_TEST_POSTGRES_URL !== undefined &&
    process.env.PARLEY_TEST_POSTGRES_URL !== ''
  ) {
    return ['sqlite', 'postgres'];
  }
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true but PARLEY_TEST_POSTGRES_URL is not set: the PostgreSQL suites cannot run.',
    );
  }
  return ['sqlite'];
}

/** Redis URL for tests; required under CI, else undefined (Redis suites then run nothing). */
export function testRedisUrl(): string | undefined {
  const url = process.env.PARLEY_TEST_REDIS_URL;
  if (url !== undefined && url !== '') return url;
  if (process.env.CI === 'true') {
    throw new Error('CI=true but PARLEY_TEST_REDIS_URL is not set: the Redis suites cannot run.');
  }
  return undefined;
}

/** A key prefix no other test (or CI run) shares, so queues and channels never mix. */
export function uniqueRedisPrefix(label: string): string {
  const runPrefix = process.env.PARLEY_TEST_REDIS_PREFIX ?? 'parley-test';
  return `${runPrefix}:${label}:${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  readonly url: string;
  readonly dialect: DialectName;
  /** Opens a fresh connection (several per test are fine: they share the database). */
  open(): Database;
  /** Drops the database (PostgreSQL) or deletes the file (SQLite). */
  drop(): Promise<void>;
}

/** Creates an empty, migrated database of the given dialect, private to the caller. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const testDatabase = dialect === 'sqlite' ? createSqliteFile() : await createPostgresDatabase();
  const database = testDatabase.open();
  try {
    await migrateToLatest(database.db, database.dialect);
  } finally {
    await database.close();
  }
  return testDatabase;
}

function createSqliteFile(): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const url = `sqlite:${path.join(dir, 'parley.db')}`;
  return {
    url,
    dialect: 'sqlite',
    open: () => openDatabase(url),
    drop: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.PARLEY_TEST_POSTGRES_URL ?? '';
  // CI prefixes names with its run id so it can drop whatever a crashed test left behind.
  const name = `${process.env.PARLEY_TEST_DB_PREFIX ?? 'parley_test'}_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dialect: 'postgres',
    open: () => openDatabase(url.toString()),
    drop: () =>
      withAdminClient(adminUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      ).then(() => undefined),
  };
}

async function withAdminClient<T>(
  adminUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under a test's prefix. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** A whole backend combination an API suite runs on. */
export interface TestStack {
  readonly name: string;
  readonly dialect: DialectName;
  /** Jobs on BullMQ and events on Redis pub/sub instead of the database and in-process. */
  readonly redis: boolean;
}

/**
 * Every configured stack: each SQL dialect with the embedded queue and bus, and the
 * scale-out stack (PostgreSQL + Redis) when both are configured.
 */
export const STACKS: readonly TestStack[] = [
  ...DIALECTS.map((dialect) => ({ name: dialect, dialect, redis: false })),
  ...(DIALECTS.includes('postgres') && testRedisUrl() !== undefined
    ? [{ name: 'postgres+redis', dialect: 'postgres' as const, redis: true }]
    : []),
];
