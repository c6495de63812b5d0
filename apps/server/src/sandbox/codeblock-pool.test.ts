import { execFile } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedHttpClient } from '../security/guarded-fetch.js';
import {
  closeCodeblockPool,
  runCodeblock,
  sandboxStats,
  type CodeblockResult,
} from './codeblock-sandbox.js';
import { CodeblockPool, type PoolRun } from './codeblock-pool.js';
import { guardedSandboxFetch } from './guarded-sandbox-fetch.js';

const LIMITS = { timeoutMs: 1_000, memoryBytes: 32 * 1024 * 1024, maxOutputBytes: 1024 * 1024 };
const FIXTURE = new URL('./codeblock-pool-fixture-worker.ts', import.meta.url);

/** A run for CodeblockPool.run, which takes what runCodeblock has already validated. */
function job(code: string, overrides: Partial<PoolRun> = {}): PoolRun {
  return { code, variablesJson: '{}', limits: LIMITS, ...overrides };
}

function outcomeOf(result: CodeblockResult): string {
  return result.ok ? `ok ${JSON.stringify(result.variables)}` : result.error.code;
}

afterAll(async () => {
  await closeCodeblockPool();
});

describe('codeblock pool: the main thread stays free', () => {
  it('keeps the event loop ticking while a codeblock loops forever', async () => {
    // The first run boots the worker; what is measured is the loop, not the boot.
    expect((await runCodeblock({ code: 'return { warm: true }', variables: {} })).ok).toBe(true);
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 10);
    const started = performance.now();
    const result = await runCodeblock({
      code: 'while (true) {}',
      variables: {},
      limits: { timeoutMs: 1_000 },
    });
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    expect(outcomeOf(result)).toBe('timeout');
    // On one thread this was 0: the loop held it for the whole second.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor((elapsed / 10) * 0.5));
  });

  it('completes a normal codeblock sent alongside two runaway ones', async () => {
    const runaway = { code: 'for (;;) {}', variables: {}, limits: { timeoutMs: 500 } };
    const results = await Promise.all([
      runCodeblock(runaway),
      runCodeblock(runaway),
      runCodeblock({ code: 'return { sum: variables.a + 1 }', variables: { a: 41 } }),
    ]);
    expect(results.map(outcomeOf)).toEqual(['timeout', 'timeout', 'ok {"a":41,"sum":42}']);
  });

  it('answers a normal codeblock before the runaways end when there are workers for all', async () => {
    const pool = new CodeblockPool({ size: 3 });
    try {
      await Promise.all([1, 2, 3].map(() => pool.run(job('return {}'))));
      const finished: string[] = [];
      const track = (name: string, run: Promise<CodeblockResult>) =>
        run.then((result) => {
          finished.push(`${name} ${outcomeOf(result)}`);
        });
      const slow = { ...LIMITS, timeoutMs: 2_000 };
      await Promise.all([
        track('runaway', pool.run(job('while (true) {}', { limits: slow }))),
        track('runaway', pool.run(job('while (true) {}', { limits: slow }))),
        track('normal', pool.run(job('return { done: true }'))),
      ]);
      expect(finished).toEqual(['normal ok {"done":true}', 'runaway timeout', 'runaway timeout']);
    } finally {
      await pool.close();
    }
  });
});

describe('codeblock pool: workers that hang or die', () => {
  it('terminates a worker silent past deadline + grace, and replaces it', async () => {
    const pool = new CodeblockPool({ size: 1, graceMs: 250, workerModule: FIXTURE });
    try {
      expect(outcomeOf(await pool.run(job('return { before: 1 }')))).toBe('ok {"before":1}');
      const before = sandboxStats();
      const started = performance.now();
      const hung = await pool.run(job('HANG_WORKER', { limits: { ...LIMITS, timeoutMs: 300 } }));
      expect(hung).toEqual({
        ok: false,
        error: {
          code: 'timeout',
          message: 'The code ran longer than the 300 ms allowed and was stopped',
        },
        logs: [],
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(300 + 250 - 10);
      expect(performance.now() - started).toBeLessThan(300 + 250 + 2_000);
      expect(sandboxStats().faults).toBe(before.faults + 1);
      expect(outcomeOf(await pool.run(job('return { after: 2 }')))).toBe('ok {"after":2}');
    } finally {
      await pool.close();
    }
  });

  it('fails a run whose worker dies with error, and the next run gets a new worker', async () => {
    const pool = new CodeblockPool({ size: 1, workerModule: FIXTURE });
    try {
      expect(outcomeOf(await pool.run(job('return { before: 1 }')))).toBe('ok {"before":1}');
      const crashed = await pool.run(job('CRASH_WORKER'));
      expect(crashed.ok ? 'ok' : crashed.error).toEqual({
        code: 'error',
        message: 'The sandbox crashed while running the code (exit code 7)',
      });
      const next = await Promise.all([
        pool.run(job('return { a: 1 }')),
        pool.run(job('CRASH_WORKER')),
      ]);
      expect(next.map(outcomeOf)).toEqual(['ok {"a":1}', 'error']);
      expect(outcomeOf(await pool.run(job('return { after: 2 }')))).toBe('ok {"after":2}');
    } finally {
      await pool.close();
    }
  });

  it('rejects when the worker cannot load at all, as a missing QuickJS would', async () => {
    const missing = new URL('./no-such-worker.ts', import.meta.url);
    const pool = new CodeblockPool({ size: 1, workerModule: missing });
    try {
      await expect(pool.run(job('return {}'))).rejects.toThrow(
        /The codeblock sandbox worker failed to start: .*no-such-worker/,
      );
    } finally {
      await pool.close();
    }
  });

  it('lets runs in flight finish when the pool closes; the next run starts a new pool', async () => {
    const running = runCodeblock({
      code: `console.log('running'); while (true) {}`,
      variables: {},
      limits: { timeoutMs: 300 },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = closeCodeblockPool();
    // Another runtime of the process may be using the pool: its runs end as they would.
    expect(await running).toEqual({
      ok: false,
      error: {
        code: 'timeout',
        message: 'The code ran longer than the 300 ms allowed and was stopped',
      },
      logs: ['running'],
    });
    await closed;
    expect(outcomeOf(await runCodeblock({ code: 'return { again: true }', variables: {} }))).toBe(
      'ok {"again":true}',
    );
  });

  it('takes no runs once closed', async () => {
    const pool = new CodeblockPool({ size: 1 });
    await pool.close();
    await expect(pool.run(job('return {}'))).rejects.toThrow('the codeblock pool is closed');
  });

  it('refuses a pool size that is not a positive integer', () => {
    expect(() => new CodeblockPool({ size: 0 })).toThrow(RangeError);
    expect(() => new CodeblockPool({ size: 1.5 })).toThrow(RangeError);
  });
});

describe('codeblock pool: fetch across threads', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const delay = Number(url.searchParams.get('delay') ?? 0);
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(url.pathname);
      }, delay);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reaches a loopback server through the guarded fetch, each answer to its own run', async () => {
    const fetch = guardedSandboxFetch(new GuardedHttpClient({ allowPrivateNetworks: true }));
    const pool = new CodeblockPool({ size: 2 });
    const code = `
      const paths = await Promise.all([30, 0, 15].map((delay, i) =>
        fetch(variables.base + '/' + variables.name + i + '?delay=' + delay).then((r) => r.text())));
      return { paths };`;
    const limits = { ...LIMITS, timeoutMs: 5_000 };
    try {
      const results = await Promise.all(
        ['a', 'b'].map((name) =>
          pool.run(job(code, { variablesJson: JSON.stringify({ base, name }), limits, fetch })),
        ),
      );
      expect(results.map((result) => (result.ok ? result.variables.paths : result.error))).toEqual([
        ['/a0', '/a1', '/a2'],
        ['/b0', '/b1', '/b2'],
      ]);
    } finally {
      await pool.close();
    }
  });
});

describe('codeblock pool: process exit', () => {
  it('does not keep a process alive once its runs are done', async () => {
    const sandbox = new URL('./codeblock-sandbox.ts', import.meta.url).href;
    const script = `
      const { runCodeblock } = await import(${JSON.stringify(sandbox)});
      const result = await runCodeblock({ code: 'return { n: 1 }', variables: {} });
      console.log(JSON.stringify(result));`;
    const args = ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script];
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({ ok: true, variables: { n: 1 }, logs: [] });
    // The idle worker would otherwise hold the process until the 20 s timeout killed it.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
