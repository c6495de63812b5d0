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
import { loadConfig } from '../../config/config.js';
import { bootstrapFirstAccount } from '../../core/accounts/bootstrap.js';
import { createRuntime } from '../../runtime.js';
import { chunkDocument, renderBlock } from '../ingest/chunk.js';
import { contentHash } from '../ingest/content-hash.js';
import { extractHtml } from '../ingest/html.js';
import { KnowledgeBases } from '../knowledge-bases.js';
import { indexDocument } from '../training/index-chunks.js';

import { log, whole } from './bench-kb-common.js';
import { CHUNKS, QUERIES, queryPhase } from './bench-kb-query.js';

const env = process.env;
const SITE_URL = env.BENCH_KB_SITE_URL;
const PHASES = new Set((env.BENCH_KB_PHASES ?? 'crawl,query').split(','));

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
