import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteAdapter, SqliteIntrospector, type Dialect, type Kysely } from 'kysely';
import * as sqliteVec from 'sqlite-vec';
import type { StorageDialect } from './dialect.js';
import { GroupCommitSqliteDriver, type GroupCommitOptions } from './sqlite-driver.js';
import { ConstantLimitSqliteQueryCompiler } from './sqlite-query-compiler.js';

/**
 * Pragmas for an embedded server: WAL so readers never block the writer,
 * synchronous=NORMAL (durable across process crashes in WAL mode), foreign keys on,
 * and a busy timeout so a second process (a `parley worker`) waits instead of failing.
 */
const PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
  'cache_size = -32000',
  'temp_store = MEMORY',
  'mmap_size = 268435456',
] as const;

export function sqliteDialect(filename: string, options: GroupCommitOptions = {}): StorageDialect {
  return {
    name: 'sqlite',
    description: `sqlite:${filename}`,
    createKyselyDialect() {
      if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
      const database = new BetterSqlite3(filename);
      for (const pragma of PRAGMAS) database.pragma(pragma);
      loadVectorExtension(database);
      return groupCommitDialect(database, options);
    },
  };
}

/**
 * Kysely's SQLite dialect with Parley's driver (group commit, cached statements, WAL
 * checkpoints off the event loop) and constant limits.
 */
function groupCommitDialect(
  database: BetterSqlite3.Database,
  options: GroupCommitOptions,
): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new GroupCommitSqliteDriver(database, options),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new ConstantLimitSqliteQueryCompiler(),
  };
}

/**
 * sqlite-vec (vector search for knowledge bases) comes as a prebuilt extension per platform,
 * an optional npm dependency. Where none exists for the platform, knowledge-base search falls
 * back to scanning vectors in the process (ai/retrieval/vector-index.ts checks which).
 */
function loadVectorExtension(database: BetterSqlite3.Database): void {
  try {
    sqliteVec.load(database);
  } catch {
    // No build for this platform: vector search scans in the process instead.
  }
}
