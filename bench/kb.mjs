// `npm run bench:kb`: the AI studio's knowledge bases on SQLite. Two measurements, both in
// absolute numbers (a one-off check like bench:contacts and bench:widget, not a ratio to the
// floor):
//   crawl — a generated 2,000-page documentation site on 127.0.0.1 (its own process,
//           apps/server/src/ai/eval/bench-site.ts) crawled, extracted, chunked and indexed by
//           the real `kb.crawl` job in the real runtime, without embeddings: pages/s and
//           chunks/s (target ≥ 200 pages/s), then the same pages step by step;
//   query — searchLexical latency over 100,000 chunks: p50 / p95 / p99 (target p95 ≤ 20 ms).
// The measuring process is apps/server/src/ai/eval/bench-kb.ts (TypeScript, run through
// tsx). See bench/README.md, "Knowledge bases".
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout as later } from 'node:timers';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EVAL = path.join(ROOT, 'apps/server/src/ai/eval');
const RESULTS = path.join(ROOT, 'bench/results/kb-latest.json');
const PAGES = positive('BENCH_KB_PAGES', 2_000);
const CHUNKS = positive('BENCH_KB_CHUNKS', 100_000);
const QUERIES = positive('BENCH_KB_QUERIES', 500);
const PHASES = (process.env.BENCH_KB_PHASES ?? 'crawl,query').split(',');
const CPU_PROF = process.env.BENCH_KB_CPU_PROF; // a directory: --cpu-prof the measuring process
const TARGET_PAGES_PER_SECOND = 200;
const TARGET_P95_MS = 20;

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

const cleanups = [];
async function cleanUp() {
  while (cleanups.length > 0) await cleanups.pop()();
}

/** `node --import tsx <file>` with the repository as working directory. */
function startTsx(file, env, options = {}) {
  const flags = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', options.quiet ? 'pipe' : 'inherit'],
  });
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = later(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  });
  return child;
}

/** The generated site, served by its own process; resolves with its URL once listening. */
async function startSite() {
  process.stderr.write(`site: generating ${PAGES} pages…\n`);
  const child = startTsx(path.join(EVAL, 'bench-site.ts'), { BENCH_KB_PAGES: String(PAGES) });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the site process exited (${code}) before listening`);
  });
  const first = new Promise((resolve) => lines.once('line', resolve));
  const site = JSON.parse(await Promise.race([first, exited]));
  exited.catch(() => undefined); // stopped by cleanUp later
  process.stderr.write(
    `site: ${site.url}, ${site.pages} pages, ${(site.htmlBytes / 1024 / site.pages).toFixed(1)} KB of HTML each\n`,
  );
  return site;
}

async function measure(siteUrl) {
  const resultFile = path.join(os.tmpdir(), `parley-bench-kb-${process.pid}.json`);
  cleanups.push(() => fs.rmSync(resultFile, { force: true }));
  if (CPU_PROF) fs.mkdirSync(CPU_PROF, { recursive: true });
  const child = startTsx(
    path.join(EVAL, 'bench-kb.ts'),
    {
      BENCH_KB_SITE_URL: siteUrl ?? '',
      BENCH_KB_PAGES: String(PAGES),
      BENCH_KB_CHUNKS: String(CHUNKS),
      BENCH_KB_QUERIES: String(QUERIES),
      BENCH_KB_PHASES: PHASES.join(','),
      BENCH_KB_RESULT: resultFile,
    },
    { cpuProf: CPU_PROF },
  );
  child.stdout.pipe(process.stdout);
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`bench-kb.ts exited with ${code}`);
  return JSON.parse(fs.readFileSync(resultFile, 'utf8'));
}

function table(rows) {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const pad = (cell, c) => (c ? cell.padStart(widths[c]) : cell.padEnd(widths[c]));
  for (const row of cells) console.log(row.map(pad).join(' | '));
}

const ms = (value) => value.toFixed(1);
const int = (value) => Math.round(value).toLocaleString('en-US');

function verdict(value, target, better) {
  const met = better === 'higher' ? value >= target : value <= target;
  if (met) return 'met';
  const factor = better === 'higher' ? target / value : value / target;
  return `missed (${factor.toFixed(1)}× off)`;
}

function report(result) {
  console.log(`\nKnowledge bases on SQLite — ${result.cpus} CPUs, Node ${result.node}`);
  if (result.crawl) {
    const { crawl, steps } = result;
    console.log(
      `\nIngestion: the kb.crawl job over ${int(PAGES)} pages on 127.0.0.1 (no embeddings)\n`,
    );
    table([
      ['measure', 'value', 'target'],
      ['pages trained / failed', `${int(crawl.pages)} / ${int(crawl.pagesFailed)}`, ''],
      ['chunks / tokens', `${int(crawl.chunks)} / ${int(crawl.tokens)}`, ''],
      ['wall time', `${crawl.seconds.toFixed(1)} s`, ''],
      [
        'pages/s',
        crawl.pagesPerSecond.toFixed(1),
        `≥ ${TARGET_PAGES_PER_SECOND}: ${verdict(crawl.pagesPerSecond, TARGET_PAGES_PER_SECOND, 'higher')}`,
      ],
      ['chunks/s', crawl.chunksPerSecond.toFixed(0), ''],
      ['tokens/s', int(crawl.tokens / crawl.seconds), ''],
      ['process CPU per page', `${ms(crawl.cpuMsPerPage)} ms`, ''],
      ['process CPU busy', `${(crawl.cpuShare * 100).toFixed(0)} % of one core`, ''],
    ]);
    console.log(
      `\nThe same ${int(steps.pages)} pages (${steps.htmlKbPerPage.toFixed(1)} KB of HTML each) ` +
        `through the same functions in a plain loop, ms per page:\n`,
    );
    const s = steps.msPerPage;
    table([
      ['step', 'ms/page'],
      ['fetch (global fetch, one at a time; not in the total)', ms(steps.fetchMsPerPage)],
      ['insert the page source row', ms(s.insertSource)],
      ['extractHtml', ms(s.extract)],
      ['chunkDocument', ms(s.chunk)],
      ['contentHash', ms(s.hash)],
      ['indexDocument (chunks + FTS triggers, one transaction)', ms(s.index)],
      ['domain progress update', ms(s.progress)],
      [
        'total (= pages/s of the bare pipeline)',
        `${ms(steps.totalMsPerPage)} (${steps.pagesPerSecond.toFixed(0)}/s)`,
      ],
    ]);
  }
  if (result.query) {
    const q = result.query;
    console.log(
      `\nQuery latency: ${int(q.chunks)} chunks in one knowledge base (${int(q.sources)} sources, ` +
        `${q.databaseMb.toFixed(0)} MB database, written in ${q.fillSeconds.toFixed(0)} s), ` +
        `${q.questions} questions one at a time, limit ${q.limit}\n`,
    );
    const row = (name, p, target) => [
      name,
      p.count,
      ms(p.p50),
      ms(p.p95),
      ms(p.p99),
      ms(p.max),
      target,
    ];
    table([
      ['scenario', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'target'],
      row(
        'searchLexical, all questions',
        q.searchLexical,
        `p95 ≤ ${TARGET_P95_MS}: ${verdict(q.searchLexical.p95, TARGET_P95_MS, 'lower')}`,
      ),
      row('  the evaluation questions', q.searchLexicalEvalQuestions, ''),
      row('  generated questions', q.searchLexicalGeneratedQuestions, ''),
      // What the search planner avoids: every match of the OR-ed terms ranked (the
      // statement searchLexical ran before it planned), and its parts.
      row('every match ranked, joined (bare better-sqlite3)', q.rawRanked, ''),
      row('  the same without ORDER BY bm25()', q.rawUnranked, ''),
      row('  FTS5 alone: bm25-ranked rowids, no join', q.rawFtsRankedOnly, ''),
      row('  join + account/KB filter alone (count)', q.rawJoinFilterOnly, ''),
      row('  FTS5 alone: count the matches', q.rawMatchCountOnly, ''),
      row(
        `searchLexical, another account's ${int(q.smallKbChunks)}-chunk KB`,
        q.searchLexicalSmallKb,
        '',
      ),
      ...(q.hybrid ? [row('searchHybrid (fake embedder), limit 5', q.hybrid, '')] : []),
    ]);
    const share = (p) => `${(p.p50 * 100).toFixed(0)} % / ${(p.p95 * 100).toFixed(0)} %`;
    console.log(
      `\nChunks matching any question term (what ranking every match ranks): p50 ${int(q.matches.p50)}, ` +
        `p95 ${int(q.matches.p95)}; share of the index p50/p95 ${share(q.matchShare)} ` +
        `(evaluation questions ${share(q.matchShareEvalQuestions)}).\n`,
    );
    table([
      ['matching chunks', 'n', 'p50 ms', 'p95 ms', 'max ms'],
      ...q.byMatches
        .filter((bucket) => bucket.count > 0)
        .map((bucket) => [
          `${int(bucket.low)}–${bucket.high === null ? '' : int(bucket.high)}`,
          bucket.count,
          ms(bucket.p50),
          ms(bucket.p95),
          ms(bucket.max),
        ]),
    ]);
    console.log(`\nQuery plan (every match ranked): ${q.plan.join('; ')}`);
  }
}

async function main() {
  console.log(`bench:kb — phases ${PHASES.join(', ')}, ${os.cpus().length} CPUs`);
  const loadBefore = os.loadavg()[0];
  const site = PHASES.includes('crawl') ? await startSite() : undefined;
  const result = await measure(site?.url);
  if (site) result.site = site;
  // The machines are shared: other work running meanwhile shows here, and skews the figures.
  result.loadAverage = { before: loadBefore, after: os.loadavg()[0] };
  report(result);
  console.log(
    `\nLoad average (1 min) before / after: ${loadBefore.toFixed(2)} / ${result.loadAverage.after.toFixed(2)}`,
  );
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(ROOT, RESULTS)}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping and cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
