import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../../core/accounts/accounts-service.js';
import { openDatabase, type Database } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrator.js';
import { chunkDocument, type ChunkOptions } from '../ingest/chunk.js';
import { contentHash } from '../ingest/content-hash.js';
import { extractDocument } from '../ingest/extract.js';
import type { KbSourceRow } from '../store/kb-tables.js';
import { indexDocument, type Embedder } from '../training/index-chunks.js';

/** A migrated SQLite database in a temporary directory, removed on close. */
export async function openScratchDatabase(
  prefix: string,
): Promise<{ database: Database; file: string; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'kb.db');
  const database = openDatabase(`sqlite:${file}`);
  await migrateToLatest(database.db, database.dialect);
  return {
    database,
    file,
    async close() {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An account with one knowledge base, for measurements that need no server. */
export async function createKnowledgeBase(
  database: Database,
  name: string,
): Promise<{ accountId: number; kbId: number }> {
  const slug = name.toLowerCase().replace(/\W+/g, '-');
  const { account } = await database.db
    .transaction()
    .execute((trx) => createAccount(trx, { name, adminEmail: `admin@${slug}.test` }));
  const now = Date.now();
  const kb = await database.db
    .insertInto('knowledge_bases')
    .values({ account_id: account.id, name, settings: '{}', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { accountId: account.id, kbId: kb.id };
}

/** Trains one file through the real pipeline: extract, chunk, index (with vectors if given). */
export async function indexFile(
  database: Database,
  kb: { accountId: number; kbId: number },
  file: { name: string; bytes: Buffer; mime: string },
  options: { embedder?: Embedder | undefined; chunk?: ChunkOptions } = {},
): Promise<{ source: KbSourceRow; chunks: number }> {
  const now = Date.now();
  const source = await database.db
    .insertInto('kb_sources')
    .values({
      account_id: kb.accountId,
      kb_id: kb.kbId,
      type: 'file',
      name: file.name,
      source: file.name,
      status: 'in-progress',
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const document = await extractDocument({
    bytes: file.bytes,
    filename: file.name,
    mime: file.mime,
  });
  const chunks = chunkDocument(document, options.chunk);
  const text = chunks.map((chunk) => chunk.text).join('\n');
  const indexed = await indexDocument(
    database.db,
    source,
    { title: document.title || file.name, url: null, hash: contentHash(text), chunks },
    options.embedder,
  );
  return { source, chunks: indexed.chunks };
}
