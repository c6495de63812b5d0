import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StorageDialect } from './dialect.js';
import { replacingNulCharacters } from './nul-replacing-driver.js';

const INT8_OID = 20;

/**
 * BIGINT comes back from node-postgres as a string by default. Parley's ids and epoch
 * milliseconds stay far below 2^53, so they are parsed to numbers: both dialects then
 * return identical rows.
 */
const parseInt8 = (value: string): number => Number(value);

export function postgresDialect(connectionString: string, poolSize = 10): StorageDialect {
  const url = new URL(connectionString);
  url.password = url.password === '' ? '' : '***';
  return {
    name: 'postgres',
    description: url.toString(),
    createKyselyDialect() {
      const types = new pg.TypeOverrides();
      types.setTypeParser(INT8_OID, parseInt8);
      const pool = new pg.Pool({ connectionString, max: poolSize, types });
      // An idle client whose server connection ends (a restart, a forced DROP DATABASE in
      // tests) emits 'error' on the pool; unhandled, that would crash the process.
      pool.on('error', () => undefined);
      return replacingNulCharacters(new PostgresDialect({ pool }));
    },
  };
}
