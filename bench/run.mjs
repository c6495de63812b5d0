// `npm run bench`: the floor (../shared/bench/floor.mjs), then Parley on SQLite and, if configured,
// PostgreSQL, all in one run: absolute numbers on shared machines drift, the ratio to the floor
// measured alongside them much less. See bench/README.md.
/* global fetch */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout as later } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchBotTurns } from './bot-turns.mjs';
import { benchWhatsApp, startFakeCloudApi } from './whatsapp.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FLOOR = path.resolve(ROOT, '../shared/bench/floor.mjs');
const PARLEY_BIN = path.join(ROOT, 'apps/server/bin/parley.js');
const RESULTS = path.join(ROOT, 'bench/results/latest.json');
const SECONDS = positive('BENCH_SECONDS', 10);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 50);
const ADMIN_PG_URL = process.env.PARLEY_BENCH_POSTGRES_URL ?? process.env.PARLEY_TEST_POSTGRES_URL;
/** `BENCH_ONLY=bot,whatsapp`: only these Parley scenarios (the floor always runs). */
const SCENARIOS = ['read', 'write', 'ingest', 'bot', 'whatsapp'];
const ONLY = selectedScenarios(process.env.BENCH_ONLY);

function selectedScenarios(list) {
  if (list === undefined || list.trim() === '') return new Set(SCENARIOS);
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !SCENARIOS.includes(name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  }
  return new Set(names);
}

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

// Every resource registers how to release it, so a failure or Ctrl-C never leaves a server
// process, a database or a temp dir behind. Each release runs at most once.
const releases = new Set();
function track(release) {
  const releaseOnce = async () => {
    if (!releases.delete(releaseOnce)) return;
    await release();
  };
  releases.add(releaseOnce);
  return releaseOnce;
}
async function releaseAll() {
  for (const release of [...releases].reverse()) {
    await release().catch((error) => console.error(`cleanup failed: ${error.message}`));
  }
}

/** Spawns `node <args>`, keeping the tail of its output to explain a failed start. */
function startNode(args, options) {
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const keep = (chunk) => (child.output = (child.output + String(chunk)).slice(-4000));
  for (const stream of [child.stdout, child.stderr]) stream.on('data', keep);
  const stop = track(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM'); // Parley shuts down gracefully on SIGTERM; give it 5 s, then insist
    const killer = later(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  });
  return { child, stop };
}

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `url` until it answers 200 (any status if `anyStatus`), failing fast if `child` died. */
async function waitUntilUp(url, child, anyStatus = false) {
  const deadline = Date.now() + 60_000; // the first start compiles TypeScript through tsx
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`process exited (${child.exitCode ?? child.signalCode}):\n${child.output}`);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => null);
    if (response && (anyStatus || response.ok)) return;
    await sleep(200);
  }
  throw new Error(`${url} not up after 60 s:\n${child.output}`);
}

/**
 * CPU time (user + system, all threads) a process has used, in ms, from Linux's
 * /proc/<pid>/stat (ticks of USER_HZ, 100 a second on every Linux /proc reports in);
 * undefined elsewhere. Unlike req/s, CPU per request hardly moves with what else the machine
 * runs, so it is the figure to compare builds by.
 */
function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU ms per unit of work of process `pid` between two readings (undefined when unknown). */
function cpuPer(pid, before, count) {
  const after = cpuMs(pid);
  return after === undefined || before === undefined || count === 0
    ? undefined
    : (after - before) / count;
}

/**
 * One autocannon run, reduced to the numbers we report. With `pid`, also the server's CPU
 * per successful request over the run.
 */
async function load(scenario, options, pid) {
  process.stdout.write(`  ${scenario} … `);
  const cpuBefore = pid === undefined ? undefined : cpuMs(pid);
  const r = await autocannon({ duration: SECONDS, connections: CONNECTIONS, ...options });
  const count = r['2xx'];
  const cpu_ms = pid === undefined ? undefined : cpuPer(pid, cpuBefore, count);
  console.log(`${Math.round(r.requests.average)} req/s`);
  const { non2xx, errors } = r; // autocannon counts timeouts among errors
  const { p50, p99 } = r.latency;
  return {
    scenario,
    rps: r.requests.average,
    p50_ms: p50,
    p99_ms: p99,
    non2xx,
    errors,
    count,
    cpu_ms,
  };
}

/** POSTs a fresh JSON body per request (messages and e-mails must be unique). */
function postEach(url, headers, makeBody) {
  const setupRequest = (req) => ({ ...req, body: JSON.stringify(makeBody()) });
  const allHeaders = { ...headers, 'content-type': 'application/json' };
  return { url, method: 'POST', headers: allHeaders, requests: [{ setupRequest }] };
}

/** Same request mix as ../shared/bench/load.mjs: 5,000 contacts, a unique message id each. */
async function benchFloor() {
  if (!fs.existsSync(FLOOR)) {
    console.log(`Note: ${FLOOR} is missing, so no floor: reporting absolute numbers only.`);
    return undefined;
  }
  const port = await freePort();
  const dbFile = path.join(os.tmpdir(), `parley-floor-${port}.db`);
  track(() => ['', '-wal', '-shm'].forEach((s) => fs.rmSync(dbFile + s, { force: true })));
  const { child, stop } = startNode([FLOOR, String(port)], { cwd: ROOT });
  try {
    await waitUntilUp(`http://127.0.0.1:${port}/`, child, true);
    let i = 0;
    const message = () => {
      const u = i++ % 5000;
      return { from: `4812345${u}`, name: `User ${u}`, text: `hello ${i}`, id: `wamid.${i}` };
    };
    const url = `http://127.0.0.1:${port}/inbound`;
    return await load('floor: POST /inbound', postEach(url, {}, message), child.pid);
  } finally {
    await stop();
  }
}

async function adminQuery(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

/** Parley on a fresh PostgreSQL database, dropped afterwards (FORCE: ends leftover sessions). */
async function benchPostgres(adminUrl) {
  const name = `parley_bench_${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const drop = track(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await benchParley('postgres', url.toString());
  } finally {
    await drop();
  }
}

/** Parley on `databaseUrl` (default: SQLite in its temp dir): loads a read and a write route. */
async function benchParley(label, databaseUrl) {
  const fake = await startFakeCloudApi();
  track(() => fake.close());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const removeDir = track(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const token = `bench_${crypto.randomBytes(24).toString('hex')}`;
  // Inherited settings (a Redis, an SMTP server, another database) would change what we measure.
  const inherited = Object.entries(process.env).filter(
    ([key]) => !/^(PARLEY_|DATABASE_URL$|REDIS_URL$|SMTP_|PUBLIC_URL$)/.test(key),
  );
  const env = {
    ...Object.fromEntries(inherited),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl ?? `sqlite:${path.join(dataDir, 'parley.db')}`,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_BOOTSTRAP_EMAIL: 'admin@bench.test',
    PARLEY_BOOTSTRAP_PASSWORD: crypto.randomBytes(12).toString('hex'),
    PARLEY_BOOTSTRAP_TOKEN: token,
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    // The WhatsApp scenario's fake Cloud API listens on loopback.
    PARLEY_WHATSAPP_API_URL: fake.url,
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
  };
  // cwd = the temp dir so a developer's .env in the repo root is not picked up.
  const { child, stop } = startNode([PARLEY_BIN, 'start'], { cwd: dataDir, env });
  try {
    await waitUntilUp(`http://127.0.0.1:${port}/healthz`, child);
    const api = `http://127.0.0.1:${port}/v1/accounts/1`;
    const headers = { authorization: `Bearer ${token}` };
    const url = `${api}/user-roles`;
    const response = await fetch(url, { headers });
    const body = await response.text();
    const agent = response.ok ? JSON.parse(body).roles?.find((r) => r.role_name === 'agent') : null;
    if (!agent) throw new Error(`no "agent" role: GET user-roles gave ${response.status} ${body}`);
    // The server's CPU per request is measured for the scenarios whose requests are all its
    // work; the WhatsApp ones run its workers meanwhile (their end-to-end row has its own).
    const measured = (scenario, options) => load(scenario, options, child.pid);
    const rows = [];
    if (ONLY.has('read')) rows.push(await measured(`${label}: GET user-roles`, { url, headers }));
    let n = 0; // the database is fresh, so a counter makes unique e-mails
    const user = () => ({ email: `u${n++}@bench.test`, role_id: agent.id });
    const invite = () => ({ user: user(), notify_user: 'false' });
    if (ONLY.has('write')) {
      rows.push(await measured(`${label}: POST user`, postEach(`${api}/user`, headers, invite)));
    }
    const base = `http://127.0.0.1:${port}`;
    if (ONLY.has('ingest')) rows.push(await benchIngest(label, base, headers, measured));
    if (ONLY.has('bot')) rows.push(await benchBotTurns(label, base, headers, measured));
    if (ONLY.has('whatsapp')) {
      const options = { seconds: SECONDS, cpu: () => cpuMs(child.pid) };
      rows.push(...(await benchWhatsApp(label, base, headers, load, fake, options)));
    }
    return rows;
  } finally {
    await stop();
    await removeDir();
  }
}

/**
 * Inbound-message ingest, the floor's own job done by Parley's real path: a sandbox channel
 * receives the floor's request mix (5,000 contacts, a unique provider message id each) and
 * each message goes through contact lookup, conversation, message, event log and outbox.
 */
async function benchIngest(label, base, headers, load) {
  const created = await fetch(`${base}/api/native/channels`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'whatsapp',
      provider: 'sandbox',
      name: 'Bench',
      phone_number: '+14155550100',
    }),
  });
  if (created.status !== 201)
    throw new Error(`creating a channel gave ${created.status} ${await created.text()}`);
  const { id } = await created.json();
  let i = 0;
  const message = () => {
    const u = i++ % 5000;
    const from = `+1415555${String(u).padStart(4, '0')}`;
    return {
      from,
      name: `User ${u}`,
      content: { type: 'text', text: `hello ${i}` },
      provider_message_id: `wamid.${i}`,
    };
  };
  const url = `${base}/api/native/channels/${id}/sandbox/inbound`;
  return load(`${label}: inbound message ingest`, postEach(url, headers, message));
}

function printTable(rows, floorRps) {
  const ratio = (rps) => (floorRps ? `${(rps / floorRps).toFixed(2)}×` : 'n/a');
  const table = [
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'ratio to floor', 'server CPU ms/req'],
    ...rows.map((r) => [
      r.scenario,
      Math.round(r.rps),
      r.p50_ms ?? '-',
      r.p99_ms ?? '-',
      r.non2xx,
      ratio(r.rps),
      r.cpu_ms === undefined ? '-' : r.cpu_ms.toFixed(3),
    ]),
  ].map((cells) => cells.map(String));
  const widths = table[0].map((_, c) => Math.max(...table.map((cells) => cells[c].length)));
  const pad = (cell, c) => (c ? cell.padStart(widths[c]) : cell.padEnd(widths[c]));
  for (const cells of table) console.log(cells.map(pad).join(' | '));
}

async function main() {
  console.log(`${SECONDS}s per scenario, ${CONNECTIONS} connections, ${os.cpus().length} CPUs`);
  const failures = [];
  const floor = await benchFloor();
  const rows = floor ? [floor] : [];
  const targets = [['sqlite', () => benchParley('sqlite')]];
  if (ADMIN_PG_URL) targets.push(['postgres', () => benchPostgres(ADMIN_PG_URL)]);
  for (const [label, bench] of targets) {
    try {
      rows.push(...(await bench()));
    } catch (error) {
      console.log(`\n${label}: FAILED — ${error.message}`);
      failures.push(`${label}: ${error.message}`);
    }
  }
  const broken = rows.filter((r) => r.non2xx > 0 || r.errors > 0);
  failures.push(...broken.map((r) => `${r.scenario}: ${r.non2xx} non-2xx, ${r.errors} errors`));
  console.log('');
  printTable(rows, floor?.rps);
  const scenarios = rows.map((r) => ({ ...r, ratio: floor ? r.rps / floor.rps : null }));
  const run = { date: new Date().toISOString(), seconds: SECONDS, connections: CONNECTIONS };
  const results = { ...run, cpus: os.cpus().length, node: process.version, scenarios, failures };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(ROOT, RESULTS)}`);
  if (failures.length > 0) {
    console.error(`\nThe benchmark itself is broken:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping servers and cleaning up…`);
    void releaseAll().finally(() => process.exit(130));
  });
}
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await releaseAll();
}
