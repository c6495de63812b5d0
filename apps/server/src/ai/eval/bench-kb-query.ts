// The query phase of the knowledge-base benchmark (see bench-kb.ts for what it measures).
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { hashedEmbedding } from '../../testing/fakes/openai-server.js';
import { contentHash } from '../ingest/content-hash.js';
import { searchHybrid } from '../retrieval/hybrid.js';
import { fold, queryTerms } from '../retrieval/query-terms.js';
import { searchLexical } from '../retrieval/search.js';
import { vectorBytes } from '../training/index-chunks.js';
import { createTextGenerator, generateQuestions } from './bench-text.js';
import { createKnowledgeBase, openScratchDatabase } from './scratch-kb.js';

import { fakeEmbedder, log, percentiles, whole, type Percentiles } from './bench-kb-common.js';

const env = process.env;
export const CHUNKS = whole('BENCH_KB_CHUNKS', 100_000);
export const QUERIES = whole('BENCH_KB_QUERIES', 500);
const SMALL_KB_CHUNKS = 1_000;
const HYBRID = env.BENCH_KB_HYBRID === '1';
const HYBRID_QUERIES = 50;
/** What StudioAnswerer asks searchHybrid for (topK 5), which asks searchLexical for 20. */
const LEXICAL_LIMIT = 20;
// ---------------------------------------------------------------------------------------------
// query

export const TEXT_SEED = 424_242;

/** Writes generated sources and chunks straight into the tables, in large transactions. */
export function fillKnowledgeBase(
  raw: BetterSqlite3.Database,
  kb: { accountId: number; kbId: number },
  chunks: number,
  text: ReturnType<typeof createTextGenerator>,
  embed: boolean,
): number {
  const { random } = text;
  const insertSource = raw.prepare(
    `insert into kb_sources (account_id, kb_id, domain_id, type, name, source, title, status,
       token_count, chunk_count, content_hash, created_by, created_at, updated_at)
     values (?, ?, null, 'url', ?, ?, ?, 'trained', ?, ?, ?, null, ?, ?)`,
  );
  const insertChunk = raw.prepare(
    `insert into kb_chunks (account_id, kb_id, source_id, ordinal, text, title, url, section, tokens, embedding)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let written = 0;
  let sourceNumber = 0;
  const batch = raw.transaction((target: number) => {
    while (written < target) {
      const topic = text.topic(random.int(4, 12));
      const theme = text.theme();
      const title = text.title(3, 7, topic, theme);
      const url = `https://docs.example.com/${String(kb.kbId)}/${String(sourceNumber++)}`;
      const count = Math.min(target - written, random.int(3, 17));
      const pieces: { text: string; section: string; tokens: number }[] = [];
      let heading = text.title(2, 5, topic, theme);
      for (let ordinal = 0; ordinal < count; ordinal++) {
        if (ordinal > 0 && random.chance(0.5)) heading = text.title(2, 5, topic, theme);
        const words = random.int(40, 380);
        let body: string;
        const shape = random.next();
        if (shape < 0.12) {
          const items: string[] = [];
          for (let n = 0; n < words; n += 14) items.push(`- ${text.sentence(topic, theme)}`);
          body = items.join('\n');
        } else if (shape < 0.17) {
          const rows = ['| Setting | Default | Meaning |', '| --- | --- | --- |'];
          for (let n = 0; n < words; n += 16)
            rows.push(
              `| ${text.contentWord(theme)} | ${text.title(1, 2)} | ${text.sentence(topic, theme)} |`,
            );
          body = rows.join('\n');
        } else {
          const paragraphs: string[] = [];
          let left = words;
          while (left > 0) {
            const size = Math.min(left, random.int(40, 140));
            paragraphs.push(text.paragraph(size, topic, theme));
            left -= size;
          }
          body = paragraphs.join('\n\n');
        }
        pieces.push({
          text: body,
          section: `${title} > ${heading}`,
          tokens: Math.round(body.split(/\s+/).length * 1.3),
        });
      }
      const now = Date.now();
      const tokens = pieces.reduce((sum, piece) => sum + piece.tokens, 0);
      const source = insertSource.run(
        kb.accountId,
        kb.kbId,
        url,
        url,
        title,
        tokens,
        pieces.length,
        contentHash(pieces.map((piece) => piece.text).join('\n')),
        now,
        now,
      );
      pieces.forEach((piece, ordinal) => {
        const vector = embed ? vectorBytes(Float32Array.from(hashedEmbedding(piece.text))) : null;
        insertChunk.run(
          kb.accountId,
          kb.kbId,
          source.lastInsertRowid,
          ordinal,
          piece.text,
          title,
          url,
          piece.section,
          piece.tokens,
          vector,
        );
      });
      written += pieces.length;
    }
  });
  while (written < chunks) {
    batch(Math.min(chunks, written + 5_000));
    if (written % 20_000 === 0) log(`  query: ${String(written)} chunks written…`);
  }
  return sourceNumber;
}

function matchExpression(question: string): string | null {
  const terms = queryTerms(question);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${fold(term).replaceAll('"', '')}"`).join(' OR ');
}

export async function queryPhase() {
  const scratch = await openScratchDatabase('parley-bench-kb-query-');
  try {
    const { database } = scratch;
    const big = await createKnowledgeBase(database, 'Big');
    const small = await createKnowledgeBase(database, 'Small');
    const text = createTextGenerator(TEXT_SEED);

    const raw = new BetterSqlite3(scratch.file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    const fillStarted = performance.now();
    const sources = fillKnowledgeBase(raw, big, CHUNKS, text, HYBRID);
    fillKnowledgeBase(raw, small, SMALL_KB_CHUNKS, text, HYBRID);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const dbBytes = fs.statSync(scratch.file).size;
    log(
      `  query: ${String(CHUNKS + SMALL_KB_CHUNKS)} chunks in ${fillSeconds.toFixed(0)} s, ` +
        `database ${(dbBytes / 1024 / 1024).toFixed(0)} MB`,
    );

    // The evaluation's questions (real phrasing) and generated ones (the corpus's vocabulary,
    // a rare term in a third of them, a typo in a tenth).
    const evalQuestions = (
      parseYaml(fs.readFileSync(path.join(import.meta.dirname, 'questions.yaml'), 'utf8')) as {
        q: string;
      }[]
    ).map((item) => item.q);
    const questions = [
      ...evalQuestions,
      ...generateQuestions(text, Math.max(0, QUERIES - evalQuestions.length)),
    ].slice(0, QUERIES);

    const timeAll = async (run: (question: string) => Promise<unknown>) => {
      for (const question of questions.slice(0, 25)) await run(question); // warm-up
      const samples: number[] = [];
      for (const question of questions) {
        const t = performance.now();
        await run(question);
        samples.push(performance.now() - t);
      }
      return samples;
    };
    const lexical = (kb: { accountId: number; kbId: number }) => (question: string) =>
      searchLexical(database.db, database.dialect, {
        accountId: kb.accountId,
        knowledgeBaseIds: [kb.kbId],
        question,
        limit: LEXICAL_LIMIT,
      });
    log('  query: timing searchLexical…');
    const bigSamples = await timeAll(lexical(big));
    const smallSamples = await timeAll(lexical(small));

    // The same statement without Kysely, searchLexical's JS or the statement cache.
    const sqlRanked = `select c.id, c.source_id, c.text, c.title, c.url, c.section
      from kb_chunks_fts f join kb_chunks c on c.id = f.rowid
      where kb_chunks_fts match ? and c.account_id = ? and c.kb_id in (?)
      order by bm25(kb_chunks_fts, 1.0, 0.5, 0.5) limit ?`;
    // The product's connection pragmas (storage/dialects/sqlite.ts), so only the code differs.
    raw.pragma('cache_size = -32000');
    raw.pragma('temp_store = MEMORY');
    raw.pragma('mmap_size = 268435456');
    const ranked = raw.prepare(sqlRanked);
    const unranked = raw.prepare(
      sqlRanked.replace('order by bm25(kb_chunks_fts, 1.0, 0.5, 0.5) ', ''),
    );
    const counter = raw.prepare(
      `select count(*) as n from kb_chunks_fts where kb_chunks_fts match ?`,
    );
    const plan = raw
      .prepare(`explain query plan ${sqlRanked}`)
      .all('"x"', big.accountId, big.kbId, LEXICAL_LIMIT) as { detail: string }[];
    // Where the statement's time goes: ranking inside FTS5 alone (no join), the join and the
    // account/knowledge-base filter alone (no ranking), and enumerating the matches alone.
    const ftsRanked = raw.prepare(
      `select rowid from kb_chunks_fts where kb_chunks_fts match ?
       order by bm25(kb_chunks_fts, 1.0, 0.5, 0.5) limit ?`,
    );
    const joined = raw.prepare(
      `select count(*) from kb_chunks_fts f join kb_chunks c on c.id = f.rowid
       where kb_chunks_fts match ? and c.account_id = ? and c.kb_id in (?)`,
    );
    const rawTime = (statement: BetterSqlite3.Statement, params: (match: string) => unknown[]) =>
      timeAll((question) => {
        const match = matchExpression(question);
        if (match !== null) statement.all(...params(match));
        return Promise.resolve();
      });
    const full = (match: string) => [match, big.accountId, big.kbId, LEXICAL_LIMIT];
    const rankedSamples = await rawTime(ranked, full);
    const unrankedSamples = await rawTime(unranked, full);
    const ftsRankedSamples = await rawTime(ftsRanked, (match) => [match, LEXICAL_LIMIT]);
    const joinedSamples = await rawTime(joined, (match) => [match, big.accountId, big.kbId]);
    const countSamples = await rawTime(counter, (match) => [match]);
    const matches = questions.map((question) => {
      const match = matchExpression(question);
      return match === null ? 0 : (counter.get(match) as { n: number }).n;
    });
    // Latency against the number of chunks matching any term (what bm25 has to score).
    const buckets = [
      [0, 1_000],
      [1_000, 10_000],
      [10_000, 30_000],
      [30_000, 60_000],
      [60_000, Infinity],
    ].map(([low = 0, high = Infinity]) => {
      const picked = bigSamples.filter(
        (_, i) => (matches[i] ?? 0) >= low && (matches[i] ?? 0) < high,
      );
      return { low, high, ...percentiles(picked) };
    });

    let hybrid: Percentiles | null = null;
    if (HYBRID) {
      log('  query: timing searchHybrid…');
      const samples: number[] = [];
      for (const question of questions.slice(0, HYBRID_QUERIES + 3)) {
        const t = performance.now();
        await searchHybrid(
          database.db,
          database.dialect,
          { accountId: big.accountId, knowledgeBaseIds: [big.kbId], question, limit: 5 },
          fakeEmbedder,
        );
        samples.push(performance.now() - t);
      }
      hybrid = percentiles(samples.slice(3));
    }
    raw.close();
    return {
      chunks: CHUNKS,
      sources,
      smallKbChunks: SMALL_KB_CHUNKS,
      fillSeconds,
      databaseMb: dbBytes / 1024 / 1024,
      questions: questions.length,
      evalQuestions: evalQuestions.length,
      limit: LEXICAL_LIMIT,
      plan: plan.map((row) => row.detail),
      searchLexical: percentiles(bigSamples),
      searchLexicalEvalQuestions: percentiles(bigSamples.slice(0, evalQuestions.length)),
      searchLexicalGeneratedQuestions: percentiles(bigSamples.slice(evalQuestions.length)),
      matchShareEvalQuestions: percentiles(
        matches.slice(0, evalQuestions.length).map((n) => n / (CHUNKS + SMALL_KB_CHUNKS)),
      ),
      searchLexicalSmallKb: percentiles(smallSamples),
      rawRanked: percentiles(rankedSamples),
      rawUnranked: percentiles(unrankedSamples),
      rawFtsRankedOnly: percentiles(ftsRankedSamples),
      rawJoinFilterOnly: percentiles(joinedSamples),
      rawMatchCountOnly: percentiles(countSamples),
      matches: percentiles(matches),
      matchShare: percentiles(matches.map((n) => n / (CHUNKS + SMALL_KB_CHUNKS))),
      byMatches: buckets,
      hybrid,
    };
  } finally {
    await scratch.close();
  }
}
