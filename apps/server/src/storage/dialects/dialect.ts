import type { Dialect } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The seam between Parley's storage and a SQL engine, in the spirit of Kysely's own
 * `Dialect`: everything that differs between SQLite and PostgreSQL lives behind it.
 */
export interface StorageDialect {
  readonly name: DialectName;
  /** The Kysely dialect that talks to the engine. */
  createKyselyDialect(): Dialect;
  /** Human-readable location for logs (never includes a password). */
  readonly description: string;
}
