import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql, type Generated } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteDialect } from './sqlite.js';

interface TestSchema {
  notes: { id: Generated<number>; body: string };
}

const PAGE_SIZE = 4096;
const RESTART_FRAMES = 64;

describe('WAL checkpoints in a background thread', () => {
  let dir: string;
  let file: string;
  let db: Kysely<TestSchema>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-checkpoints-'));
    file = path.join(dir, 'test.db');
    const dialect = sqliteDialect(file, {
      checkpoints: { intervalMs: 10, restartFrames: RESTART_FRAMES },
    });
    db = new Kysely<TestSchema>({ dialect: dialect.createKyselyDialect() });
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
  });

  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Rows in the database file itself, as a copy without its WAL shows them; -1 while the copy
   * is torn (taken in the middle of a checkpoint).
   */
  const rowsInDatabaseFile = (): number => {
    const copy = path.join(dir, `copy-${Date.now()}.db`);
    fs.copyFileSync(file, copy);
    const reader = new BetterSqlite3(copy, { readonly: true });
    try {
      const table = reader
        .prepare("select count(*) from sqlite_master where name = 'notes'")
        .pluck()
        .get();
      return table === 0 ? 0 : Number(reader.prepare('select count(*) from notes').pluck().get());
    } catch {
      return -1;
    } finally {
      reader.close();
    }
  };

  const waitFor = async (condition: () => boolean): Promise<boolean> => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
    return condition();
  };

  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    // 50 small commits are far from SQLite's own 1,000-page trigger, so only the thread
    // can have put them into the database file.
    for (let i = 0; i < 50; i++)
      await db
        .insertInto('notes')
        .values({ body: `n${i}` })
        .execute();
    const autocheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`
      .execute(db)
      .then((result) => result.rows[0]?.wal_autocheckpoint);
    expect(autocheckpoint).toBe(0);
    expect(await waitFor(() => rowsInDatabaseFile() === 50)).toBe(true);
  });

  it('keeps the WAL file short under a steady stream of commits', async () => {
    // Once the thread runs (it has checkpointed a first row)…
    await db.insertInto('notes').values({ body: 'first' }).execute();
    expect(await waitFor(() => rowsInDatabaseFile() === 1)).toBe(true);
    const body = 'x'.repeat(2000);
    for (let batch = 0; batch < 300; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, () => db.insertInto('notes').values({ body }).execute()),
      );
      await new Promise((r) => setImmediate(r));
    }
    // …6,000 rows of 2 kB: more than 3,000 pages went through the WAL. Without rewinding,
    // the file would hold them all (12 MB and more); it is rewound every RESTART_FRAMES pages
    // or so, give or take what is written while the thread's request travels, which on a
    // loaded machine was once 4.7 MB. Half the unrewound size still tells the two apart.
    const walBytes = fs.statSync(`${file}-wal`).size;
    expect(walBytes).toBeLessThan(RESTART_FRAMES * 24 * PAGE_SIZE);
    expect(await waitFor(() => rowsInDatabaseFile() === 6001)).toBe(true);
  });
});
