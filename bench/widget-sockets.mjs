// `npm run bench:widget`: how many web widget sockets one Parley holds, and how fast an
// agent's message reaches its visitor with all of them open. See bench/README.md.
//
// Phase 1 opens BENCH_WIDGET_CONNECTIONS visitor sockets (default 10,000), BENCH_WIDGET_RAMP
// at a time (default 200): a session each (POST /widget/api/sessions), then
// GET /widget/ws?token=… until its `ready` frame (the server makes the visitor's contact
// then). With every socket open and idle for BENCH_WIDGET_IDLE_SECONDS, the server's VmRSS is
// read from /proc and compared with the target (10,000 sockets under 1 GiB).
// Phase 2 keeps them all open: BENCH_WIDGET_VISITORS of them (default 200) start the bot
// (a greeting, then a handover to the inbox), then BENCH_WIDGET_MESSAGES agent messages each
// (default 2) go through WotNot's POST /api/v1/conversation/:id/messages, paced at
// BENCH_WIDGET_RATE a second with at most BENCH_WIDGET_CONCURRENCY in flight. Latency is
// from just before the POST to the message frame on that visitor's socket.
// The load generator (every client socket) runs in this process, beside the server.
/* global fetch */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, clearTimeout, setInterval, setTimeout as later } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARLEY_BIN = path.join(ROOT, 'apps/server/bin/parley.js');
const RESULTS = path.join(ROOT, 'bench/results/widget-latest.json');
const CONNECTIONS = positive('BENCH_WIDGET_CONNECTIONS', 10_000);
const RAMP = positive('BENCH_WIDGET_RAMP', 200);
const IDLE_SECONDS = positive('BENCH_WIDGET_IDLE_SECONDS', 5);
const VISITORS = Math.min(positive('BENCH_WIDGET_VISITORS', 200), CONNECTIONS);
const MESSAGES_EACH = positive('BENCH_WIDGET_MESSAGES', 2);
const RATE = positive('BENCH_WIDGET_RATE', 200);
const CONCURRENCY = positive('BENCH_WIDGET_CONCURRENCY', 16);
const SERIAL = 50; // agent messages sent one at a time before the burst
const RSS_TARGET = 1024 * 1024 * 1024;
const OPEN_TIMEOUT_MS = 30_000;
const FRAME_TIMEOUT_MS = 15_000;
const ADMIN_EMAIL = 'admin@bench.test';
const GREETING = 'Hi! An agent will be with you shortly.';
const HANDOVER = 'Connecting you…';

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Greets, then hands the conversation to the inbox: agents may write to it from then on. */
const FLOW = {
  schemaVersion: 1,
  variables: [],
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'hi', type: 'message', data: { text: GREETING } },
    { id: 'human', type: 'handover', data: { message: HANDOVER } },
  ],
  edges: [
    ['start', 'hi'],
    ['hi', 'human'],
  ].map(([source, target], i) => ({ id: `e${i}`, source, sourceHandle: null, target })),
};
FLOW.nodes.forEach((node, i) => (node.position = { x: 0, y: i * 120 }));

const cleanups = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    await cleanups
      .pop()()
      .catch((error) => console.error(`cleanup failed: ${error.message}`));
  }
}

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The soft "Max open files" of this process (the server inherits it). */
function openFilesLimit() {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return match?.[1] === 'unlimited' ? Infinity : Number(match?.[1] ?? Infinity);
}

/** Parley on a temp SQLite database, started as bench/run.mjs does. */
async function startParley() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-widget-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
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
    DATABASE_URL: `sqlite:${path.join(dataDir, 'parley.db')}`,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_BOOTSTRAP_EMAIL: ADMIN_EMAIL,
    PARLEY_BOOTSTRAP_PASSWORD: crypto.randomBytes(12).toString('hex'),
    PARLEY_BOOTSTRAP_TOKEN: token,
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, [PARLEY_BIN, 'start'], {
    cwd: dataDir, // so a developer's .env in the repository is not picked up
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk) => (output = (output + String(chunk)).slice(-4000)));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM'); // Parley shuts down gracefully on SIGTERM; give it 10 s, then insist
    const killer = later(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000; // the first start compiles TypeScript through tsx
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Parley exited:\n${output}`);
    const response = await fetch(`${base}/healthz`).catch(() => null);
    if (response?.ok) break;
    if (Date.now() > deadline) throw new Error(`Parley not up after 60 s:\n${output}`);
    await sleep(200);
  }
  return { base, headers: { authorization: `Bearer ${token}` }, child };
}

async function call(url, headers, body) {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** Deploys the greet-and-hand-over bot on the web; returns its bot key. */
async function deployBot(server) {
  const { base, headers } = server;
  const created = await call(`${base}/v1/bot`, headers, { name: 'Widget bench', channel: 'WEB' });
  await call(`${base}/v1/bots/${created.id}/deploy`, headers, { flow_diagram: FLOW });
  const bots = await call(`${base}/api/native/bots`, headers);
  const botKey = bots.bots?.find((bot) => bot.id === created.id)?.bot_key;
  if (!botKey) throw new Error(`no bot_key for bot ${created.id}: ${JSON.stringify(bots)}`);
  // The web channel is made on the first visit: once here, not by 200 racing sessions.
  await call(`${base}/widget/api/config?bot_key=${botKey}`, {});
  return botKey;
}

/** VmRSS and RssAnon of a process, in bytes. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, anon: kb('RssAnon') * 1024 };
}

/** CPU seconds (user + system) a process has used; Linux counts in USER_HZ = 100 ticks/s. */
function cpuSecondsOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `task(0 … count-1)` with at most `concurrency` at a time. */
async function pool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const counts = { dropped: 0 };

/**
 * One visitor: a session token, a socket, and the texts it is waiting for (the sample's
 * messages), each resolved with the time its frame arrived.
 */
class Visitor {
  token = '';
  socket = undefined;
  open = false;
  waiting = new Map();
  conversationId = '';

  /** Resolves when `text` arrives on this visitor's socket (undefined after the timeout). */
  expect(text) {
    return new Promise((resolve) => {
      const timer = later(() => {
        this.waiting.delete(text);
        resolve(undefined);
      }, FRAME_TIMEOUT_MS);
      this.waiting.set(text, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  /** Opens the socket; resolves with the ms from connect to `ready`, or an error text. */
  connect(wsBase) {
    return new Promise((resolve) => {
      const started = performance.now();
      const url = `${wsBase}/widget/ws?token=${encodeURIComponent(this.token)}&after=0`;
      const socket = new WebSocket(url, {
        perMessageDeflate: false,
        handshakeTimeout: OPEN_TIMEOUT_MS,
      });
      this.socket = socket;
      let settled = false;
      const settle = (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = later(() => {
        settle({ error: 'no ready frame within 30 s' });
        socket.terminate();
      }, OPEN_TIMEOUT_MS);
      socket.on('message', (data) => {
        const at = performance.now();
        const frame = JSON.parse(String(data));
        if (frame.type === 'ready') {
          this.open = true;
          settle({ ms: at - started });
        } else if (frame.type === 'message' && this.waiting.size > 0) {
          const text = frame.message?.content?.text;
          const arrived = this.waiting.get(text);
          if (arrived === undefined) return;
          this.waiting.delete(text);
          arrived(at);
        }
      });
      socket.on('error', (error) => settle({ error: error.message }));
      socket.on('close', (code) => {
        if (this.open) counts.dropped++;
        this.open = false;
        settle({ error: `closed (${code}) before ready` });
      });
    });
  }
}

/** Phase 1: sessions, then sockets, RAMP at a time; then the server's memory when idle. */
async function openAll(server, botKey, visitors) {
  const pid = server.child.pid;
  const before = memoryOf(pid);
  const errors = new Map();
  const fail = (error) => errors.set(error, (errors.get(error) ?? 0) + 1);

  const sessionsStarted = performance.now();
  await pool(visitors.length, RAMP, async (i) => {
    try {
      const session = await call(`${server.base}/widget/api/sessions`, {}, { bot_key: botKey });
      visitors[i].token = session.visitor_token;
    } catch (error) {
      fail(`session: ${error.message.slice(0, 200)}`);
    }
  });
  const sessionSeconds = (performance.now() - sessionsStarted) / 1000;
  const sessions = visitors.filter((v) => v.token !== '').length;
  console.log(
    `  ${sessions} sessions in ${sessionSeconds.toFixed(1)} s ` +
      `(${Math.round(sessions / sessionSeconds)}/s)`,
  );

  const peak = { rss: 0 };
  const sampler = setInterval(() => {
    peak.rss = Math.max(peak.rss, memoryOf(pid).rss);
  }, 250);
  const cpuBefore = cpuSecondsOf(pid);
  const openTimes = [];
  const wsBase = server.base.replace(/^http/, 'ws');
  const socketsStarted = performance.now();
  let progress = socketsStarted;
  try {
    await pool(visitors.length, RAMP, async (i) => {
      if (visitors[i].token === '') return;
      const result = await visitors[i].connect(wsBase);
      if (result.error === undefined) openTimes.push(result.ms);
      else fail(`socket: ${result.error}`);
      if (performance.now() - progress > 5000) {
        progress = performance.now();
        const rss = (memoryOf(pid).rss / 1024 / 1024).toFixed(0);
        console.log(`  … ${openTimes.length} sockets open, server RSS ${rss} MB`);
      }
    });
  } finally {
    clearInterval(sampler);
  }
  const socketSeconds = (performance.now() - socketsStarted) / 1000;
  const serverCpu = cpuSecondsOf(pid) - cpuBefore;
  const opened = openTimes.length;
  console.log(
    `  ${opened} sockets ready in ${socketSeconds.toFixed(1)} s (${Math.round(opened / socketSeconds)}/s)`,
  );
  for (const [error, n] of errors) console.log(`  ${n} × ${error}`);

  await sleep(IDLE_SECONDS * 1000);
  const idle = memoryOf(pid);
  const stillOpen = visitors.filter((v) => v.open).length;
  openTimes.sort((a, b) => a - b);
  return {
    requested: visitors.length,
    sessions,
    sessionSeconds,
    opened,
    stillOpen,
    socketSeconds,
    openP50: percentile(openTimes, 50),
    openP99: percentile(openTimes, 99),
    failures: [...errors].map(([error, n]) => `${n} × ${error}`),
    serverCpuMsPerSocket: opened > 0 ? (serverCpu * 1000) / opened : NaN,
    rssBefore: before.rss,
    rssPeak: Math.max(peak.rss, idle.rss),
    rssIdle: idle.rss,
    anonBefore: before.anon,
    anonIdle: idle.anon,
    clientRss: process.memoryUsage.rss(),
  };
}

/** Phase 2: the sample starts the bot, then agents write to it; all sockets stay open. */
async function fanOut(server, visitors) {
  // Spread the sample over the whole range, so it is not just the first sockets opened.
  const live = visitors.filter((v) => v.open);
  const step = live.length / VISITORS;
  const sample = Array.from({ length: Math.min(VISITORS, live.length) }, (_, i) =>
    Math.floor(i * step),
  ).map((i) => live[i]);
  const errors = new Map();
  const fail = (error) => errors.set(error, (errors.get(error) ?? 0) + 1);

  // Start the bot for each: the greeting and the handover must come through the socket too.
  const startsBegan = performance.now();
  await pool(sample.length, CONCURRENCY, async (i) => {
    const visitor = sample[i];
    const greeted = visitor.expect(HANDOVER);
    try {
      const started = await call(
        `${server.base}/widget/api/start`,
        { authorization: `Bearer ${visitor.token}` },
        {},
      );
      visitor.conversationId = started.conversation_id ?? '';
      if ((await greeted) === undefined)
        fail('start: the handover message never reached the socket');
    } catch (error) {
      fail(`start: ${error.message.slice(0, 200)}`);
    }
  });
  const startSeconds = (performance.now() - startsBegan) / 1000;
  const ready = sample.filter((v) => v.conversationId !== '');
  console.log(
    `  ${ready.length} conversations started in ${startSeconds.toFixed(1)} s ` +
      `(${Math.round(ready.length / startSeconds)}/s)`,
  );
  if (ready.length === 0) throw new Error(`no conversation started: ${[...errors.keys()]}`);

  // One at a time first: the path's own latency, no queue. Then the paced burst.
  const serial = await agentMessages(server, ready, 'serial', {
    count: Math.min(SERIAL, ready.length),
    rate: Infinity,
    concurrency: 1,
    fail,
  });
  const burst = await agentMessages(server, ready, 'burst', {
    count: ready.length * MESSAGES_EACH,
    rate: RATE,
    concurrency: CONCURRENCY,
    fail,
  });
  for (const [error, n] of errors) console.log(`  ${n} × ${error}`);
  return {
    visitors: ready.length,
    startsPerSecond: ready.length / startSeconds,
    serial,
    burst,
    failures: [...errors].map(([error, n]) => `${n} × ${error}`),
    openAfter: visitors.filter((v) => v.open).length,
    rssAfter: memoryOf(server.child.pid).rss,
  };
}

/**
 * `count` agent messages to `visitors` in turn, at most `rate` a second and `concurrency` in
 * flight, through WotNot's API; each timed from just before its POST to its frame.
 */
async function agentMessages(server, visitors, label, { count, rate, concurrency, fail }) {
  const latencies = [];
  const acks = [];
  const arrivals = [];
  let lost = 0;
  const url = (visitor) => `${server.base}/api/v1/conversation/${visitor.conversationId}/messages`;
  const headers = { ...server.headers, 'content-type': 'application/json' };
  const began = performance.now();
  let lastArrival = began;
  await pool(count, concurrency, async (i) => {
    const wait = began + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const visitor = visitors[i % visitors.length];
    const text = `bench ${label} message ${i}`;
    const arrived = visitor.expect(text);
    const sent = performance.now();
    const response = await fetch(url(visitor), {
      method: 'POST',
      headers,
      body: JSON.stringify({
        message: { type: 'text', data: { body: text } },
        user: { by: ADMIN_EMAIL },
      }),
    }).catch((error) => ({ ok: false, status: error.message, text: async () => '' }));
    acks.push(performance.now() - sent);
    if (!response.ok) {
      fail(`agent message: ${response.status} ${(await response.text()).slice(0, 200)}`);
      return;
    }
    await response.arrayBuffer();
    // The frame is awaited outside the pool slot: it usually lands before the HTTP answer.
    arrivals.push(
      arrived.then((at) => {
        if (at === undefined) {
          lost++;
          return;
        }
        latencies.push(at - sent);
        lastArrival = Math.max(lastArrival, at);
      }),
    );
  });
  await Promise.all(arrivals);
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    sent: count,
    delivered: latencies.length,
    lost,
    messagesPerSecond: latencies.length / ((lastArrival - began) / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
  };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (value) => (Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`);

function printTable(rows) {
  const table = [['measure', 'value', 'target / note'], ...rows].map((cells) => cells.map(String));
  const widths = table[0].map((_, c) => Math.max(...table.map((cells) => cells[c].length)));
  const line = widths.map((w) => '-'.repeat(w)).join('-|-');
  table.forEach((cells, r) => {
    console.log(
      cells
        .map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join(' | '),
    );
    if (r === 0) console.log(line);
  });
}

async function main() {
  if (!fs.existsSync('/proc/self/status')) throw new Error('needs /proc (Linux) to read RSS');
  const files = openFilesLimit();
  if (CONNECTIONS + 500 > files) {
    throw new Error(
      `${CONNECTIONS} sockets need more than the ${files} open files allowed (ulimit -n); ` +
        'raise it or lower BENCH_WIDGET_CONNECTIONS',
    );
  }
  console.log(
    `${CONNECTIONS} widget sockets (${RAMP} opening at a time), then ${VISITORS} visitors × ` +
      `${MESSAGES_EACH} agent messages at ${RATE}/s (≤ ${CONCURRENCY} in flight); ` +
      `${os.cpus().length} CPUs, ulimit -n ${files}`,
  );
  const server = await startParley();
  const botKey = await deployBot(server);
  const visitors = Array.from({ length: CONNECTIONS }, () => new Visitor());
  cleanups.push(async () => {
    for (const visitor of visitors) visitor.socket?.terminate();
  });

  console.log('Phase 1: opening sockets');
  const open = await openAll(server, botKey, visitors);
  console.log(`Phase 2: fan-out with ${open.stillOpen} sockets open`);
  const fan = await fanOut(server, visitors);

  const perSocket = open.opened > 0 ? (open.rssIdle - open.rssBefore) / open.opened : NaN;
  const rssOk = open.rssIdle < RSS_TARGET ? 'OK' : 'OVER';
  const rows = [
    ['sockets open (ready frame)', `${open.opened} / ${open.requested}`, `target 10000`],
    ['failures while opening', open.failures.length === 0 ? 0 : open.failures.join('; '), ''],
    [
      'sessions (POST /widget/api/sessions)',
      `${open.sessionSeconds.toFixed(1)} s`,
      `${Math.round(open.sessions / open.sessionSeconds)}/s`,
    ],
    [
      'time to open all sockets',
      `${open.socketSeconds.toFixed(1)} s`,
      `${Math.round(open.opened / open.socketSeconds)}/s, ${RAMP} at a time`,
    ],
    ['socket open → ready p50 / p99', `${ms(open.openP50)} / ${ms(open.openP99)}`, 'while ramping'],
    ['server CPU per socket opened', ms(open.serverCpuMsPerSocket), 'user + system'],
    ['server RSS before sockets', mb(open.rssBefore), ''],
    [`server RSS, all open, idle ${IDLE_SECONDS} s`, mb(open.rssIdle), `< 1024 MB: ${rssOk}`],
    ['server RSS peak while opening', mb(open.rssPeak), ''],
    [
      'server RSS per socket',
      `${(perSocket / 1024).toFixed(1)} kB`,
      `heap/anon ${((open.anonIdle - open.anonBefore) / open.opened / 1024).toFixed(1)} kB`,
    ],
    ['bench process RSS (clients)', mb(open.clientRss), 'not the server'],
    ['conversations started (bot)', fan.visitors, `${Math.round(fan.startsPerSecond)}/s`],
    ...[
      ['one at a time', fan.serial, 'no queue'],
      ['burst', fan.burst, `paced ${RATE}/s, ≤ ${CONCURRENCY} in flight`],
    ].flatMap(([name, run, note]) => [
      [`${name}: agent messages delivered`, `${run.delivered} / ${run.sent}`, note],
      [`${name}: fan-out p50 / p95`, `${ms(run.p50)} / ${ms(run.p95)}`, 'POST start → frame'],
      [`${name}: fan-out p99 / max`, `${ms(run.p99)} / ${ms(run.max)}`, ''],
      [`${name}: POST answered p50 / p99`, `${ms(run.ackP50)} / ${ms(run.ackP99)}`, ''],
      [`${name}: messages/s delivered`, run.messagesPerSecond.toFixed(0), ''],
    ]),
    ['sockets still open after fan-out', fan.openAfter, `dropped ${counts.dropped}`],
    ['server RSS after fan-out', mb(fan.rssAfter), ''],
  ];
  console.log('');
  printTable(rows);

  const failures = [
    ...open.failures,
    ...fan.failures,
    ...[fan.serial, fan.burst]
      .filter((run) => run.lost > 0)
      .map((run) => `${run.lost} agent messages never reached their socket`),
    ...(counts.dropped > 0 ? [`${counts.dropped} open sockets were closed by the server`] : []),
  ];
  const results = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    node: process.version,
    settings: { CONNECTIONS, RAMP, IDLE_SECONDS, VISITORS, MESSAGES_EACH, RATE, CONCURRENCY },
    open,
    fanOut: fan,
    failures,
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(ROOT, RESULTS)}`);
  if (failures.length > 0) {
    console.error(`\nFailures:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: closing sockets, stopping the server…`);
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
