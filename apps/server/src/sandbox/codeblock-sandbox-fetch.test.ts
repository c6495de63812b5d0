import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  runCodeblock,
  sandboxStats,
  type CodeblockResult,
  type SandboxFetch,
  type SandboxFetchRequest,
  type SandboxFetchResponse,
} from './codeblock-sandbox.js';

/** A SandboxFetch that records requests and answers with `answer`. */
function recording(
  answer: (request: SandboxFetchRequest) => Promise<SandboxFetchResponse> = () =>
    Promise.resolve({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' }),
) {
  const requests: SandboxFetchRequest[] = [];
  const fetch: SandboxFetch = (request) => {
    requests.push(request);
    return answer(request);
  };
  return { fetch, requests };
}

function variablesOf(result: CodeblockResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.variables;
}

function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value));
}

describe('codeblock sandbox: fetch', () => {
  it('passes method, lower-cased headers and body; answers with a response object', async () => {
    const { fetch, requests } = recording(() =>
      Promise.resolve({
        status: 201,
        headers: { 'content-type': 'application/json' },
        body: '{"id":7}',
      }),
    );
    const code = `
      const response = await fetch('https://api.example.com/items?x=1', {
        method: 'post', headers: { 'X-Key': 'k', Count: 2 }, body: JSON.stringify({ a: 1 }),
      });
      return {
        status: response.status, ok: response.ok, type: response.headers.get('Content-Type'),
        raw: response.headers['content-type'], data: await response.json(), text: await response.text(),
      };`;
    const output = variablesOf(await runCodeblock({ code, variables: {}, fetch }));
    expect(output).toEqual({
      status: 201,
      ok: true,
      type: 'application/json',
      raw: 'application/json',
      data: { id: 7 },
      text: '{"id":7}',
    });
    expect(requests).toEqual([
      {
        url: 'https://api.example.com/items?x=1',
        method: 'POST',
        headers: { 'x-key': 'k', count: '2' },
        body: '{"a":1}',
      },
    ]);
  });

  it('defaults to GET without a body, and reports non-2xx as not ok', async () => {
    const { fetch, requests } = recording(() =>
      Promise.resolve({ status: 404, headers: {}, body: 'missing' }),
    );
    const code = `const r = await fetch('https://x.example/'); return { ok: r.ok, status: r.status, none: r.headers.get('etag') }`;
    const output = variablesOf(await runCodeblock({ code, variables: {}, fetch }));
    expect(output).toEqual({ ok: false, status: 404, none: null });
    expect(requests).toEqual([{ url: 'https://x.example/', method: 'GET', headers: {} }]);
  });

  it('turns host failures, bad bodies and oversized answers into catchable TypeErrors', async () => {
    const { fetch } = recording((request) =>
      request.url.endsWith('/big')
        ? Promise.resolve({ status: 200, headers: {}, body: 'x'.repeat(1024 * 1024 + 1) })
        : Promise.reject(new Error('x.example is a private or reserved address')),
    );
    const code = `
      const attempt = async (...args) => {
        try { await fetch(...args); return 'no error' } catch (e) { return e.name + ': ' + e.message }
      };
      return {
        refused: await attempt('http://x.example/'),
        big: await attempt('http://x.example/big'),
        body: await attempt('http://x.example/', { method: 'POST', body: { a: 1 } }),
      };`;
    const output = variablesOf(await runCodeblock({ code, variables: {}, fetch }));
    expect(output).toEqual({
      refused: 'TypeError: fetch http://x.example/: x.example is a private or reserved address',
      big: 'TypeError: fetch: the response body is larger than 1048576 bytes',
      body: 'TypeError: fetch: body must be a string (use JSON.stringify)',
    });
  });

  it('allows five requests per run', async () => {
    const { fetch, requests } = recording();
    const code = `
      const outcomes = [];
      for (let i = 0; i < 6; i++)
        outcomes.push(await fetch('https://x.example/' + i).then((r) => r.status, (e) => e.message));
      return { outcomes };`;
    const output = variablesOf(await runCodeblock({ code, variables: {}, fetch }));
    expect(output).toEqual({
      outcomes: [200, 200, 200, 200, 200, 'fetch: at most 5 requests per run'],
    });
    expect(requests).toHaveLength(5);
  });

  it('runs requests concurrently and settles each with its own answer', async () => {
    const { fetch } = recording((request) => {
      const delay = Number(new URL(request.url).searchParams.get('delay'));
      return later(delay, { status: 200, headers: {}, body: String(delay) });
    });
    const code = `
      const texts = await Promise.all([60, 10, 30].map((d) =>
        fetch('https://x.example/?delay=' + d).then((r) => r.text())));
      return { texts };`;
    const started = performance.now();
    const output = variablesOf(await runCodeblock({ code, variables: {}, fetch }));
    expect(output).toEqual({ texts: ['60', '10', '30'] });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('times out while a request hangs, and ignores its late answer', async () => {
    let answered = false;
    const slow = later(600, { status: 200, headers: {}, body: 'late' }).then((response) => {
      answered = true;
      return response;
    });
    const { fetch } = recording(() => slow);
    const started = performance.now();
    const result = await runCodeblock({
      code: `await fetch('https://x.example/')`,
      variables: {},
      limits: { timeoutMs: 200 },
      fetch,
    });
    expect(result.ok ? 'ok' : result.error.code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(200 + 2_000);
    await slow;
    await later(10, undefined);
    expect(answered).toBe(true);
    expect(variablesOf(await runCodeblock({ code: 'return { next: 1 }', variables: {} }))).toEqual({
      next: 1,
    });
  });
});

function isCallable(value: unknown): value is () => void {
  return typeof value === 'function';
}

/** node:v8 can turn on gc() after start; a new context of node:vm then exposes it. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (!isCallable(gc)) throw new Error('gc() is not available');
  for (let round = 0; round < 3; round++) {
    gc();
    // FinalizationRegistry callbacks run in tasks of their own after the collection.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('codeblock sandbox: resources', () => {
  it('disposes everything over 200 runs of every kind, with no growth', async () => {
    const { fetch } = recording();
    const kinds: { code: string; timeoutMs?: number; expect: string }[] = [
      { code: `console.log('x'); variables.n += 1; return { s: 'y'.repeat(100) }`, expect: 'ok' },
      { code: `throw new Error('boom')`, expect: 'error' },
      { code: `return { b: 1n }`, expect: 'invalid_output' },
      {
        code: `const r = await fetch('https://x.example/'); return { t: await r.text() }`,
        expect: 'ok',
      },
      { code: `await new Promise(() => {})`, expect: 'error' },
      { code: `'x'.repeat(1e9)`, expect: 'memory' },
      { code: `while (true) {}`, timeoutMs: 20, expect: 'timeout' },
    ];
    const run = async (index: number) => {
      const kind = kinds[index % kinds.length];
      if (kind === undefined) throw new Error('no kind');
      const limits = kind.timeoutMs === undefined ? {} : { timeoutMs: kind.timeoutMs };
      const result = await runCodeblock({
        code: kind.code,
        variables: { n: index },
        limits,
        fetch,
      });
      expect(result.ok ? 'ok' : result.error.code, kind.code).toBe(kind.expect);
    };
    for (let i = 0; i < 14; i++) await run(i);
    const before = sandboxStats();
    for (let i = 0; i < 200; i++) await run(i);
    await collectGarbage();
    const after = sandboxStats();
    expect(after.started - before.started).toBe(200);
    expect(after.disposed - before.disposed).toBe(200);
    expect(after.unclean - before.unclean).toBe(0);
    expect(after.faults - before.faults).toBe(0);
    // Every run's instance is dropped: none of the 200 may still be alive after a collection.
    expect(after.liveInstances).toBeLessThan(10);
  });
});
