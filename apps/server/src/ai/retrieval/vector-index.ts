import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { DialectName } from '../../storage/dialects/dialect.js';

/**
 * Chunk vectors in sqlite-vec (`vec0`), one table per embedding size (`kb_vectors_<n>`: a
 * model's vectors all have one size, a vec0 column has a fixed one), partitioned by knowledge
 * base. The table is derived data: created on the first vector search of that size, filled
 * from `kb_chunks`, then kept in step by triggers on `kb_chunks` in the writer's own
 * transaction, so training and deleting need not know about it. PostgreSQL, or SQLite without
 * the extension, answer null and the caller scans the vectors itself.
 */
export interface VectorHit {
  readonly chunkId: number;
  /** Cosine distance (1 − similarity). */
  readonly distance: number;
}

const available = new WeakMap<Db, Promise<boolean>>();
const ready = new WeakMap<Db, Map<number, Promise<void>>>();

function extensionLoaded(db: Db): Promise<boolean> {
  let known = available.get(db);
  if (known === undefined) {
    known = sql`select vec_version() as version`.execute(db).then(
      () => true,
      () => false,
    );
    available.set(db, known);
  }
  return known;
}

function ensureTable(db: Db, dimensions: number): Promise<void> {
  let tables = ready.get(db);
  if (tables === undefined) {
    tables = new Map();
    ready.set(db, tables);
  }
  let table = tables.get(dimensions);
  if (table === undefined) {
    table = createTable(db, dimensions);
    tables.set(dimensions, table);
    // A failure (a lock timeout) is retried by the next search rather than remembered.
    table.catch(() => tables.delete(dimensions));
  }
  return table;
}

async function createTable(db: Db, dimensions: number): Promise<void> {
  const name = sql.raw(`kb_vectors_${String(dimensions)}`);
  const bytes = dimensions * 4;
  await db.transaction().execute(async (trx) => {
    const exists = await sql<{ n: number }>`
      select count(*) as n from sqlite_master where name = ${`kb_vectors_${String(dimensions)}`}`.execute(
      trx,
    );
    if ((exists.rows[0]?.n ?? 0) > 0) return;
    await sql`create virtual table ${name} using vec0(
      kb_id integer partition key, embedding float[${sql.raw(String(dimensions))}] distance_metric=cosine)`.execute(
      trx,
    );
    await sql`insert into ${name}(rowid, kb_id, embedding)
      select id, kb_id, embedding from kb_chunks where length(embedding) = ${bytes}`.execute(trx);
    await sql`create trigger ${sql.raw(`kb_vectors_${String(dimensions)}_ai`)} after insert on kb_chunks
      when length(new.embedding) = ${sql.raw(String(bytes))} begin
        insert into ${name}(rowid, kb_id, embedding) values (new.id, new.kb_id, new.embedding);
      end`.execute(trx);
    await sql`create trigger ${sql.raw(`kb_vectors_${String(dimensions)}_ad`)} after delete on kb_chunks
      when length(old.embedding) = ${sql.raw(String(bytes))} begin
        delete from ${name} where rowid = old.id;
      end`.execute(trx);
  });
}

/** The `limit` chunks of the knowledge bases nearest to `query`, or null: scan instead. */
export async function nearestChunks(
  db: Db,
  dialect: DialectName,
  knowledgeBaseIds: readonly number[],
  query: Float32Array,
  limit: number,
): Promise<VectorHit[] | null> {
  if (dialect !== 'sqlite' || !(await extensionLoaded(db))) return null;
  await ensureTable(db, query.length);
  const name = sql.raw(`kb_vectors_${String(query.length)}`);
  const rows = await sql<{ id: number; distance: number }>`
    select rowid as id, distance from ${name}
    where embedding match ${Buffer.from(query.buffer, query.byteOffset, query.byteLength)}
      and k = ${limit}
      and kb_id in (${sql.join(knowledgeBaseIds.map((id) => sql`cast(${id} as integer)`))})`.execute(
    db,
  );
  return rows.rows.map((row) => ({ chunkId: row.id, distance: row.distance }));
}
