import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConstantLimitSqliteQueryCompiler } from './sqlite-query-compiler.js';

interface Tables {
  jobs: { id: number; run_at: number };
}

const db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new ConstantLimitSqliteQueryCompiler(),
  },
});

describe('the SQLite query compiler', () => {
  it('writes an integer limit into the SQL, leaving the other values bound', () => {
    const query = db.selectFrom('jobs').select('id').where('run_at', '<=', 100).limit(8).compile();
    expect(query.sql).toBe('select "id" from "jobs" where "run_at" <= ? limit 8');
    expect(query.parameters).toEqual([100]);
  });

  it('binds a limit that is not a plain non-negative integer', () => {
    const fractional = db.selectFrom('jobs').select('id').limit(2.5).compile();
    expect(fractional.sql).toBe('select "id" from "jobs" limit ?');
    expect(fractional.parameters).toEqual([2.5]);
    const expression = db
      .selectFrom('jobs')
      .select('id')
      .limit(sql<number>`1 + 1`)
      .compile();
    expect(expression.sql).toBe('select "id" from "jobs" limit 1 + 1');
  });
});
