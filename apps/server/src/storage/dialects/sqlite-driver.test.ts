import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, type Generated } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteDialect } from './sqlite.js';

interface TestSchema {
  notes: { id: Generated<number>; body: string; parent_id: number | null };
}

describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  let db: Kysely<TestSchema>;
  /** A second, independent connection: it sees only what is really committed. */
  let observer: BetterSqlite3.Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-group-commit-'));
    file = path.join(dir, 'test.db');
    db = new Kysely<TestSchema>({ dialect: sqliteDialect(file).createKyselyDialect() });
    await sql`create table notes (id integer primary key, body text not null unique,
      parent_id integer references notes(id) deferrable initially deferred)`.execute(db);
    observer = new BetterSqlite3(file, { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const committedBodies = (): string[] =>
    observer
      .prepare('select body from notes order by id')
      .pluck()
      .all()
      .map((body) => String(body));

  const insertNote = (body: string, parentId: number | null = null) =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ body, parent_id: parentId }).execute();
      return body;
    });

  it('resolves each concurrent transaction only once its write is committed', async () => {
    const seenAtResolve: boolean[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        insertNote(`note ${i}`).then((body) => {
          seenAtResolve.push(committedBodies().includes(body));
        }),
      ),
    );
    expect(seenAtResolve).toHaveLength(40);
    expect(seenAtResolve.every(Boolean)).toBe(true);
    expect(committedBodies()).toHaveLength(40);
  });

  it('rolls back a failing transaction alone; its neighbours in the group commit', async () => {
    const outcomes = await Promise.allSettled([
      insertNote('first'),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ body: 'doomed', parent_id: null }).execute();
        throw new Error('the handler failed');
      }),
      insertNote('first'), // unique violation: fails alone
      insertNote('third'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(committedBodies()).toEqual(['first', 'third']);
  });

  it('commits a write outside a transaction before it resolves', async () => {
    const pending = db
      .insertInto('notes')
      .values({ body: 'autocommit', parent_id: null })
      .execute();
    const concurrent = insertNote('in a transaction');
    await pending;
    expect(committedBodies()).toContain('autocommit');
    await concurrent;
    expect(committedBodies()).toEqual(['autocommit', 'in a transaction']);
  });

  it('fails every writer of a group whose commit fails, and keeps none of their rows', async () => {
    // A deferred foreign key is checked at COMMIT: the dangling parent fails the shared commit.
    const outcomes = await Promise.allSettled([
      insertNote('innocent'),
      insertNote('dangling', 999),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(committedBodies()).toEqual([]);
    // The connection is usable afterwards.
    await insertNote('after');
    expect(committedBodies()).toEqual(['after']);
  });

  it('serves reads and writes in arrival order under concurrency', async () => {
    const order: string[] = [];
    await Promise.all([
      insertNote('a').then(() => order.push('write a')),
      db
        .selectFrom('notes')
        .select('body')
        .execute()
        .then(() => order.push('read')),
      insertNote('b').then(() => order.push('write b')),
    ]);
    // The read does not wait for the group's commit; both writes resolve after it.
    expect(order).toEqual(['read', 'write a', 'write b']);
    expect(committedBodies()).toEqual(['a', 'b']);
  });

  it('commits a group whose last lease only read, even one held across I/O', async () => {
    const write = insertNote('written while a reader holds the connection');
    const read = db.connection().execute(async (connection) => {
      await connection.selectFrom('notes').select('body').execute();
      await new Promise((resolve) => setTimeout(resolve, 20)); // the group's flush comes and goes
      return connection.selectFrom('notes').select('body').execute();
    });
    await expect(read).resolves.toHaveLength(1);
    await expect(write).resolves.toBe('written while a reader holds the connection');
    expect(committedBodies()).toEqual(['written while a reader holds the connection']);
  });

  it('fails the whole group when SQLite ends the shared transaction, and goes on with a new one', async () => {
    const outcomes = await Promise.allSettled([
      insertNote('lost with the group'),
      // OR ROLLBACK: a constraint violation that rolls back SQLite's whole transaction.
      db.transaction().execute(async (trx) => {
        await sql`insert or rollback into notes (body) values ('lost with the group')`.execute(trx);
      }),
      insertNote('in the next group'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(committedBodies()).toEqual(['in the next group']);
  });

  it('lets the event loop turn between the writes of a full group and what its writers do next', async () => {
    // Every group is full at its first writer: each write commits at once.
    const eager = new Kysely<TestSchema>({
      dialect: sqliteDialect(file, {
        limits: { maxWriters: 1, maxOpenMs: 10 },
        checkpoints: false,
      }).createKyselyDialect(),
    });
    try {
      let writesBeforeTheTurn = -1;
      let written = 0;
      setImmediate(() => {
        writesBeforeTheTurn = written;
      });
      for (let i = 0; i < 20; i++) {
        await eager
          .insertInto('notes')
          .values({ body: `eager ${i}` })
          .execute();
        written += 1;
      }
      // A request that arrived meanwhile (here: the immediate) did not wait for all twenty.
      expect(writesBeforeTheTurn).toBeGreaterThanOrEqual(0);
      expect(writesBeforeTheTurn).toBeLessThan(20);
      expect(committedBodies()).toHaveLength(20);
    } finally {
      await eager.destroy();
    }
  });
});
