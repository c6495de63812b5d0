import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedHttpClient } from '../security/guarded-fetch.js';
import { runCodeblock, type CodeblockResult } from './codeblock-sandbox.js';
import { guardedSandboxFetch } from './guarded-sandbox-fetch.js';

/** A loopback server: echoes requests, sends repeated headers or an oversized body. */
let server: http.Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    hits += 1;
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/huge') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(2 * 1024 * 1024));
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      response.writeHead(200, [
        ['content-type', 'application/json'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]);
      const key = request.headers['x-key'] ?? null;
      response.end(JSON.stringify({ method: request.method, path: url.pathname, body, key }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

function variablesOf(result: CodeblockResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.variables;
}

// Generous: the requests go to loopback, but the machine may be busy.
const limits = { timeoutMs: 5_000 };

describe('guarded sandbox fetch', () => {
  // As the guarded client's own tests do: loopback is reachable only with the allowance.
  const open = guardedSandboxFetch(new GuardedHttpClient({ allowPrivateNetworks: true }));
  const guarded = guardedSandboxFetch(new GuardedHttpClient());

  it('carries a request out and flattens repeated headers', async () => {
    const response = await open({
      url: `${base}/echo`,
      method: 'PUT',
      headers: { 'x-key': 'k1' },
      body: 'payload',
    });
    expect(response.status).toBe(200);
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(JSON.parse(response.body)).toEqual({
      method: 'PUT',
      path: '/echo',
      body: 'payload',
      key: 'k1',
    });
  });

  it('lets codeblock code reach a loopback server when private networks are allowed', async () => {
    const code = `
      const response = await fetch(variables.base + '/echo', {
        method: 'POST', headers: { 'X-Key': 'secret' }, body: JSON.stringify({ n: variables.n }),
      });
      const data = await response.json();
      return { status: response.status, ok: response.ok, type: response.headers.get('content-type'), data };`;
    const output = variablesOf(
      await runCodeblock({ code, variables: { base, n: 3 }, limits, fetch: open }),
    );
    expect(output).toEqual({
      base,
      n: 3,
      status: 200,
      ok: true,
      type: 'application/json',
      data: { method: 'POST', path: '/echo', body: '{"n":3}', key: 'secret' },
    });
  });

  it('refuses private addresses when they are not allowed, before connecting', async () => {
    const before = hits;
    const code = `
      const refusals = [];
      for (const url of [variables.base + '/echo', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data'])
        refusals.push(await fetch(url).then(() => 'reached', (e) => e.name + ': ' + e.message));
      return { refusals };`;
    const output = variablesOf(
      await runCodeblock({ code, variables: { base }, limits, fetch: guarded }),
    );
    expect(output.refusals).toEqual([
      `TypeError: fetch ${base}/echo: 127.0.0.1 is a private or reserved address`,
      'TypeError: fetch http://10.0.0.1/: 10.0.0.1 is a private or reserved address',
      'TypeError: fetch http://169.254.169.254/latest/meta-data: 169.254.169.254 is a private or reserved address',
    ]);
    expect(hits).toBe(before);
    const uncaught = await runCodeblock({
      code: `await fetch(variables.base)`,
      variables: { base },
      limits,
      fetch: guarded,
    });
    expect(uncaught.ok ? 'ok' : uncaught.error.code).toBe('error');
    expect(uncaught.ok ? '' : uncaught.error.message).toMatch(/private or reserved address/);
  });

  it('refuses bodies over the sandbox cap whole instead of cutting them', async () => {
    const code = `return { outcome: await fetch(variables.base + '/huge').then((r) => r.status, (e) => e.message) }`;
    const output = variablesOf(
      await runCodeblock({ code, variables: { base }, limits, fetch: open }),
    );
    expect(output.outcome).toBe(
      `fetch ${base}/huge: the response body is larger than 1048576 bytes`,
    );
  });

  it('refuses URLs that are not http(s)', async () => {
    const code = `return { outcome: await fetch('file:///etc/passwd').then(() => 'read', (e) => e.message) }`;
    const output = variablesOf(await runCodeblock({ code, variables: {}, limits, fetch: open }));
    expect(output.outcome).toBe('fetch file:///etc/passwd: file: is not allowed, only http(s)');
  });
});
