// `node bench/contacts-export.mjs`: 100,000 contacts in a fresh SQLite Parley, then
// GET /api/native/contacts/export.csv, reporting rows/s and how much the server's memory
// grew meanwhile. The export streams in keyset batches of 1,000, so the growth must stay
// flat: a few MB of heap whatever the number of contacts, far below the size of the CSV.
// (VmRSS also counts the database pages SQLite maps in, hence "heap/anon" beside it.)
// BENCH_CONTACTS (default 100000) and BENCH_RUNS (default 2) change the size and repeats.
/* global fetch */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout as later } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARLEY_BIN = path.join(ROOT, 'apps/server/bin/parley.js');
const CONTACTS = positive('BENCH_CONTACTS', 100_000);
const RUNS = positive('BENCH_RUNS', 2);
const SAMPLE_MS = 50;

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

const cleanups = [];
async function cleanUp() {
  while (cleanups.length > 0) await cleanups.pop()();
}

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts Parley on a temp SQLite database, as bench/run.mjs does. */
async function startParley() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-contacts-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const token = `bench_${crypto.randomBytes(24).toString('hex')}`;
  const inherited = Object.entries(process.env).filter(
    ([key]) => !/^(PARLEY_|DATABASE_URL$|REDIS_URL$|SMTP_|PUBLIC_URL$)/.test(key),
  );
  const dbFile = path.join(dataDir, 'parley.db');
  const env = {
    ...Object.fromEntries(inherited),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${dbFile}`,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_BOOTSTRAP_EMAIL: 'admin@bench.test',
    PARLEY_BOOTSTRAP_TOKEN: token,
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    PARLEY_RUN_WORKERS: 'false',
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
    child.kill('SIGTERM');
    const killer = later(() => child.kill('SIGKILL'), 5000);
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
  return { base, token, dbFile, pid: child.pid };
}

/** Inserts the contacts straight into the migrated file: one transaction, one statement. */
function seedContacts(dbFile, count) {
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  const account = db.prepare('select min(id) as id from accounts').get().id;
  const insert = db.prepare(
    `insert into contacts (account_id, key, external_key, name, email, phone, variables,
       blocked, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const phone = `+1212${String(5_000_000 + i).padStart(7, '0')}`;
      insert.run(
        account,
        crypto.randomBytes(24).toString('base64url').slice(0, 32),
        `${phone.slice(1)}_${account}`,
        `Contact ${i}, "bench"`,
        `contact${i}@bench.test`,
        phone,
        JSON.stringify({ company: 'Example Company', index: i }),
        now,
        now,
      );
    }
  })();
  db.close();
}

/** VmRSS and RssAnon (heap and stacks, without mapped files) of a process, in bytes. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, anon: kb('RssAnon') * 1024 };
}

async function exportOnce(server) {
  const before = memoryOf(server.pid);
  const peak = { ...before };
  const sampler = setInterval(() => {
    const now = memoryOf(server.pid);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.anon = Math.max(peak.anon, now.anon);
  }, SAMPLE_MS);
  const started = performance.now();
  try {
    const response = await fetch(`${server.base}/api/native/contacts/export.csv`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    if (!response.ok) {
      const hint = response.status === 404 ? ' (are the contact routes wired?)' : '';
      throw new Error(`export answered ${response.status}${hint}: ${await response.text()}`);
    }
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rows: lines - 1, bytes, seconds, before, peak };
  } finally {
    clearInterval(sampler);
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  if (!fs.existsSync('/proc/self/status')) throw new Error('needs /proc (Linux) to read RSS');
  console.log(`${CONTACTS.toLocaleString('en')} contacts, ${os.cpus().length} CPUs, ${RUNS} runs`);
  const server = await startParley();
  const seeding = performance.now();
  seedContacts(server.dbFile, CONTACTS);
  console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  for (let run = 1; run <= RUNS; run++) {
    const result = await exportOnce(server);
    if (result.rows !== CONTACTS) {
      throw new Error(`the export had ${result.rows} rows, expected ${CONTACTS}`);
    }
    console.log(
      `run ${run}: ${result.rows.toLocaleString('en')} rows, ${mb(result.bytes)} in ` +
        `${result.seconds.toFixed(2)} s = ${Math.round(result.rows / result.seconds).toLocaleString('en')} rows/s; ` +
        `server RSS ${mb(result.before.rss)} → peak ${mb(result.peak.rss)} ` +
        `(+${mb(result.peak.rss - result.before.rss)}; heap/anon +${mb(result.peak.anon - result.before.anon)})`,
    );
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}
try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
