import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { FtsTerm } from './fts-terms.js';
import type { CountedTerm } from './search-plan.js';

/**
 * Index statistics the SQLite search plans with: how many chunks contain a token (FTS5's
 * `kb_chunks_vocab`, which reads the token's whole document list: milliseconds for a common
 * one), how many chunks a knowledge base has, and how many the index holds. They only steer
 * the plan and the re-ranking, never which chunks may match, so a minute-old figure is as
 * good as a fresh one: they are cached per database for a minute.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  readonly value: number;
  readonly expires: number;
}

const caches = new WeakMap<Db, Map<string, Entry>>();

async function cached(db: Db, key: string, read: () => Promise<number>): Promise<number> {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  const now = Date.now();
  const hit = cache.get(key);
  if (hit !== undefined && hit.expires > now) return hit.value;
  const value = await read();
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { value, expires: now + TTL_MS });
  return value;
}

async function tokenDocuments(db: Db, token: string): Promise<number> {
  return cached(db, `token:${token}`, async () => {
    const row = await sql<{ doc: number }>`
      select doc from kb_chunks_vocab where term = ${token}`.execute(db);
    return row.rows[0]?.doc ?? 0;
  });
}

/** Each term with its document count; a phrase's is its rarest token's (an upper bound). */
export async function countTerms(db: Db, terms: readonly FtsTerm[]): Promise<CountedTerm[]> {
  const counted: CountedTerm[] = [];
  for (const term of terms) {
    let documents = Infinity;
    for (const token of term.tokens)
      documents = Math.min(documents, await tokenDocuments(db, token));
    counted.push({ ...term, documents: Number.isFinite(documents) ? documents : 0 });
  }
  return counted;
}

export async function knowledgeBaseChunks(db: Db, knowledgeBaseIds: readonly number[]) {
  const ids = [...knowledgeBaseIds].sort((a, b) => a - b);
  return cached(db, `kb:${ids.join(',')}`, async () => {
    const row = await db
      .selectFrom('kb_chunks')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('kb_id', 'in', ids)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  });
}

export async function indexedChunks(db: Db): Promise<number> {
  return cached(db, 'all', async () => {
    const row = await db
      .selectFrom('kb_chunks')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  });
}
