import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StatementCache } from './statement-cache.js';

describe('StatementCache', () => {
  let cache: StatementCache | undefined;
  afterEach(() => {
    cache?.close();
  });

  const open = (capacity: number) => {
    cache = new StatementCache(new BetterSqlite3(':memory:'), capacity);
    return cache;
  };

  it('prepares a SQL text once and hands back the same statement after', () => {
    const statements = open(10);
    const first = statements.prepare('select 1 as one');
    expect(statements.prepare('select 1 as one')).toBe(first);
    expect(first.get()).toEqual({ one: 1 });
  });

  it('keeps at most its capacity', () => {
    const statements = open(3);
    for (let i = 0; i < 10; i += 1) statements.prepare(`select ${String(i)} as n`);
    expect(statements.size).toBe(3);
  });

  it('evicts a statement not run since it was kept before one that was run again', () => {
    const statements = open(3);
    const hot = statements.prepare('select 1 as n');
    statements.prepare('select 2 as n');
    statements.prepare('select 3 as n');
    expect(statements.prepare('select 1 as n')).toBe(hot); // run again: a second chance
    statements.prepare('select 4 as n'); // full: evicts "select 2", the oldest not run again
    expect(statements.prepare('select 1 as n')).toBe(hot);
    const cold = statements.prepare('select 2 as n');
    expect(cold.get()).toEqual({ n: 2 }); // prepared anew, and it still works
    expect(statements.size).toBe(3);
  });

  it('evicts the oldest when every statement was run again', () => {
    const statements = open(2);
    const a = statements.prepare('select 1 as n');
    const b = statements.prepare('select 2 as n');
    statements.prepare('select 1 as n');
    statements.prepare('select 2 as n');
    statements.prepare('select 3 as n'); // both marked: a full lap unmarks them, "select 1" goes
    expect(statements.size).toBe(2);
    expect(statements.prepare('select 2 as n')).toBe(b);
    expect(statements.prepare('select 1 as n')).not.toBe(a);
  });
});
