// The knowledge-base benchmark's measuring process (started by bench/kb.mjs; see
// bench/README.md, "Knowledge bases"). Two phases, each on its own fresh SQLite database:
//
// crawl — the real runtime (createRuntime, its job workers, KnowledgeBases.addDomain): the
//   `kb.crawl` job crawls the generated site at BENCH_KB_SITE_URL and extracts, chunks and
//   indexes every page, without embeddings. Timed from addDomain to the domain's `trained`
//   status. Then the same pages go once more through the same functions in a plain loop,
//   each step timed on its own, to show where a page's time goes.
// query — BENCH_KB_CHUNKS (100,000) generated chunks written straight into kb_sources and
//   kb_chunks (the FTS triggers index them), then BENCH_KB_QUERIES (500) questions through
//   searchLexical, as the answerer asks it (limit 20), timed one by one. Diagnostic rows: the
//   same SQL on a bare better-sqlite3 connection, with and without the bm25 ordering, and
//   the same questions against a small knowledge base of another account in that database.
//   BENCH_KB_HYBRID=1 also stores fake embeddings and times searchHybrid.
//
// Results go to BENCH_KB_RESULT as JSON (bench/kb.mjs prints them); progress to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../config/config.js';
import { bootstrapFirstAccount } from '../../core/accounts/bootstrap.js';
import { createRuntime } from '../../runtime.js';
import { hashedEmbedding } from '../../testing/fakes/openai-server.js';
import { chunkDocument, renderBlock } from '../ingest/chunk.js';
import { contentHash } from '../ingest/content-hash.js';
import { extractHtml } from '../ingest/html.js';
import { KnowledgeBases } from '../knowledge-bases.js';
import { searchHybrid } from '../retrieval/hybrid.js';
import { fold, queryTerms } from '../retrieval/query-terms.js';
import { searchLexical } from '../retrieval/search.js';
import { indexDocument, vectorBytes, type Embedder } from '../training/index-chunks.js';
import { createTextGenerator, generateQuestions } from './bench-text.js';
import { createKnowledgeBase, openScratchDatabase } from './scratch-kb.js';

const env = process.env;
const SITE_URL = env.BENCH_KB_SITE_URL;
const PHASES = new Set((env.BENCH_KB_PHASES ?? 'crawl,query').split(','));
const CHUNKS = whole('BENCH_KB_CHUNKS', 100_000);
const QUERIES = whole('BENCH_KB_QUERIES', 500);
const SMALL_KB_CHUNKS = 1_000;
const HYBRID = env.BENCH_KB_HYBRID === '1';
const HYBRID_QUERIES = 50;
/** What StudioAnswerer asks searchHybrid for (topK 5), which asks searchLexical for 20. */
const LEXICAL_LIMIT = 20;

function whole(name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export interface Percentiles {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
  };
}

const fakeEmbedder: Embedder = {
  model: 'fake-hashed-bow-256',
  embed: (texts) => Promise.resolve(texts.map((text) => Float32Array.from(hashedEmbedding(text)))),
};

// ---------------------------------------------------------------------------------------------
// crawl

async function crawlPhase(siteUrl: string, expectedPages: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-kb-crawl-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dataDir, 'parley.db')}`,
    PARLEY_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://127.0.0.1:3000',
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true', // the site is on loopback
    PARLEY_JOB_POLL_MS: '50',
    LOG_LEVEL: 'warn',
  });
  // Politeness off (the default is 100 ms between requests, at most 10 pages/s) and a page
  // limit above the site's size (the default is 500); concurrency stays the default (4).
  const runtime = await createRuntime(config, {
    knowledge: { crawl: { maxPages: expectedPages + 100, delayMs: 0 } },
  });
  try {
    const db = runtime.database.db;
    const first = await bootstrapFirstAccount(db, config);
    if (first === undefined) throw new Error('no first account');
    const accountId = first.account.id;
    const kbs = new KnowledgeBases(runtime.context);
    const kb = await kbs.create(accountId, 'Bench docs', first.admin.id);
    await runtime.startWorkers();

    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // Monotonic microseconds, the clock of --cpu-prof's samples: the crawl's window in a profile.
    const windowStart = Number(process.hrtime.bigint() / 1000n);
    const domain = await kbs.addDomain(
      accountId,
      kb.id,
      { url: `${siteUrl}/`, excludeUrls: [], refreshFrequency: null },
      first.admin.id,
    );
    let row = domain;
    let lastReport = started;
    while (row.status === 'in-progress') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = await db
        .selectFrom('kb_domains')
        .selectAll()
        .where('id', '=', domain.id)
        .executeTakeFirstOrThrow();
      if (performance.now() - lastReport > 2_000) {
        lastReport = performance.now();
        log(`  crawl: ${String(row.pages_crawled)} pages…`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const profileWindowUs = [windowStart, Number(process.hrtime.bigint() / 1000n)];
    if (row.status !== 'trained')
      throw new Error(`the crawl ended ${row.status}: ${row.failed_reason ?? ''}`);
    const totals = await db
      .selectFrom('kb_chunks')
      .select((eb) => [
        eb.fn.countAll<number>().as('chunks'),
        eb.fn.sum<number>('tokens').as('tokens'),
      ])
      .where('kb_id', '=', kb.id)
      .executeTakeFirstOrThrow();
    const chunks = totals.chunks;
    const crawl = {
      pages: row.pages_crawled,
      pagesFailed: row.pages_failed,
      chunks,
      tokens: totals.tokens,
      seconds,
      pagesPerSecond: row.pages_crawled / seconds,
      chunksPerSecond: chunks / seconds,
      cpuMsPerPage: (cpu.user + cpu.system) / 1000 / Math.max(1, row.pages_crawled),
      cpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
      profileWindowUs,
    };
    log(
      `  crawl: ${String(crawl.pages)} pages, ${String(chunks)} chunks in ${seconds.toFixed(1)} s ` +
        `(${crawl.pagesPerSecond.toFixed(0)} pages/s)`,
    );
    await runtime.queue.stop(5_000);

    // The same pages through the same functions, one step at a time.
    const sources = await db
      .selectFrom('kb_sources')
      .select('source')
      .where('domain_id', '=', domain.id)
      .where('status', '=', 'trained')
      .orderBy('id')
      .execute();
    const fetchStarted = performance.now();
    const bodies: { url: string; html: string }[] = [];
    for (const { source } of sources) {
      const response = await fetch(source);
      bodies.push({ url: source, html: await response.text() });
    }
    const fetchMs = performance.now() - fetchStarted;
    const steps = { insertSource: 0, extract: 0, chunk: 0, hash: 0, index: 0, progress: 0 };
    const second = await kbs.create(accountId, 'Bench docs (steps)', null);
    const directStarted = performance.now();
    for (const { url, html } of bodies) {
      let t = performance.now();
      const now = Date.now();
      const source = await db
        .insertInto('kb_sources')
        .values({
          account_id: accountId,
          kb_id: second.id,
          domain_id: null,
          type: 'url',
          name: url,
          source: url,
          status: 'in-progress',
          created_by: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      steps.insertSource += performance.now() - t;
      t = performance.now();
      const document = extractHtml(html, url);
      steps.extract += performance.now() - t;
      t = performance.now();
      const pageChunks = chunkDocument(document);
      steps.chunk += performance.now() - t;
      t = performance.now();
      const hash = contentHash(document.blocks.map(renderBlock).join('\n'));
      steps.hash += performance.now() - t;
      t = performance.now();
      await indexDocument(
        db,
        source,
        { title: document.title, url, hash, chunks: pageChunks },
        undefined,
      );
      steps.index += performance.now() - t;
      t = performance.now();
      await db
        .updateTable('kb_domains')
        .set({ pages_crawled: 0, pages_failed: 0 })
        .where('id', '=', domain.id)
        .execute();
      steps.progress += performance.now() - t;
    }
    const directMs = performance.now() - directStarted;
    const pages = bodies.length;
    const perPage = Object.fromEntries(
      Object.entries(steps).map(([step, ms]) => [step, ms / pages]),
    ) as Record<keyof typeof steps, number>;
    const htmlBytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body.html), 0);
    return {
      crawl,
      steps: {
        pages,
        htmlKbPerPage: htmlBytes / 1024 / pages,
        fetchMsPerPage: fetchMs / pages,
        msPerPage: perPage,
        totalMsPerPage: directMs / pages,
        pagesPerSecond: pages / (directMs / 1000),
      },
    };
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// query

const TEXT_SEED = 424_242;

/** Writes generated sources and chunks straight into the tables, in large transactions. */
function fillKnowledgeBase(
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

async function queryPhase() {
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

async function main(): Promise<void> {
  const result: Record<string, unknown> = {
    node: process.version,
    cpus: os.cpus().length,
    date: new Date().toISOString(),
  };
  if (PHASES.has('crawl')) {
    if (SITE_URL === undefined) throw new Error('BENCH_KB_SITE_URL is not set (run bench/kb.mjs)');
    log('crawl: the kb.crawl job over the generated site…');
    Object.assign(result, await crawlPhase(SITE_URL, whole('BENCH_KB_PAGES', 2_000)));
  }
  if (PHASES.has('query')) {
    log(`query: ${String(CHUNKS)} chunks, ${String(QUERIES)} questions…`);
    result.query = await queryPhase();
  }
  const out = env.BENCH_KB_RESULT;
  if (out === undefined) console.log(JSON.stringify(result, null, 2));
  else fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
