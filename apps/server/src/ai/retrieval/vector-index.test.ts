import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../storage/database.js';
import { hashedEmbedding } from '../../testing/fakes/openai-server.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import { createKnowledgeBase, indexFile } from '../eval/scratch-kb.js';
import type { Embedder } from '../training/index-chunks.js';
import { searchHybrid } from './hybrid.js';
import { nearestChunks } from './vector-index.js';

const embedder: Embedder = {
  model: 'fake-hashed-bow-256',
  embed: (texts) => Promise.resolve(texts.map((text) => Float32Array.from(hashedEmbedding(text)))),
};
const vector = (text: string) => Float32Array.from(hashedEmbedding(text));

const HELP = `# Help

## Refunds
Refunds go back to the original card within fourteen days.

## Delivery
Parcels are delivered in three to five working days.
`;
const OTHER = `# Other

## Refunds
Refunds go back to the original card within fourteen days, here too.
`;
const LATER = `# Later

## Opening hours
The shop opens at nine on weekdays.
`;

describe.each(DIALECTS)('vector search on %s', (dialect) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let mine = { accountId: 0, kbId: 0 };
  let theirs = { accountId: 0, kbId: 0 };
  const file = (name: string, text: string) => ({
    name,
    bytes: Buffer.from(text),
    mime: 'text/markdown',
  });
  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = testDatabase.open();
    mine = await createKnowledgeBase(database, 'Mine');
    theirs = await createKnowledgeBase(database, 'Theirs');
    await indexFile(database, mine, file('help.md', HELP), { embedder });
    await indexFile(database, theirs, file('other.md', OTHER), { embedder });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const nearest = (kb: { kbId: number }, text: string) =>
    nearestChunks(database.db, database.dialect, [kb.kbId], vector(text), 5);
  const sectionOf = async (chunkId: number | undefined) =>
    (
      await database.db
        .selectFrom('kb_chunks')
        .select('section')
        .where('id', '=', chunkId ?? 0)
        .executeTakeFirst()
    )?.section;

  it('finds the nearest chunks of the knowledge base (sqlite-vec; PostgreSQL scans instead)', async () => {
    const hits = await nearest(mine, 'refunds back to the original card');
    if (dialect === 'postgres') {
      expect(hits).toBeNull();
      return;
    }
    expect(hits).not.toBeNull();
    expect(hits?.length).toBe(2);
    expect(await sectionOf(hits?.[0]?.chunkId)).toContain('Refunds');
    expect(hits?.[0]?.distance).toBeLessThan(hits?.[1]?.distance ?? 0);
    const theirHits = await nearest(theirs, 'refunds');
    expect(theirHits?.length).toBe(1);
    expect(hits?.map((hit) => hit.chunkId)).not.toContain(theirHits?.[0]?.chunkId);
  });

  it('finds chunks written after the vector index exists, and forgets deleted ones', async () => {
    const { source } = await indexFile(database, mine, file('later.md', LATER), { embedder });
    if (dialect === 'postgres') return; // no vector index to follow
    const [added] = (await nearest(mine, 'shop opens at nine')) ?? [];
    expect(await sectionOf(added?.chunkId)).toContain('Opening hours');
    await database.db.deleteFrom('kb_sources').where('id', '=', source.id).execute();
    const after = (await nearest(mine, 'shop opens at nine')) ?? [];
    expect(after.map((hit) => hit.chunkId)).not.toContain(added?.chunkId);
    const left = await sql<{ n: number }>`select count(*) as n from kb_vectors_256`.execute(
      database.db,
    );
    expect(left.rows[0]?.n).toBe(3);
  });

  it('ranks the answering passage first in hybrid search, within the account', async () => {
    const found = await searchHybrid(
      database.db,
      database.dialect,
      {
        accountId: mine.accountId,
        knowledgeBaseIds: [mine.kbId, theirs.kbId],
        question: 'how long until refunds reach my card',
        limit: 5,
      },
      embedder,
    );
    expect(found[0]?.section).toContain('Refunds');
    expect(found.every((passage) => !passage.text.includes('here too'))).toBe(true);
  });
});
