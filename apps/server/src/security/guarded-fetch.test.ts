import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedFetchError, GuardedHttpClient, isForbiddenAddress } from './guarded-fetch.js';

/** A local server whose routes the tests script: redirects, silence, huge bodies. */
let server: http.Server;
let base: string;
let port: number;
/** Path and query of every request the server received, in order. */
const received: string[] = [];
/** Resolves when the server sees the /silent request's connection close. */
let silentClosed: Promise<void> = Promise.resolve();

beforeAll(async () => {
  server = http.createServer((request, response) => {
    received.push(request.url ?? '/');
    const url = new URL(request.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to !== null) {
      response.writeHead(Number(url.searchParams.get('status') ?? '302'), { location: to });
      response.end();
    } else if (url.pathname === '/loop') {
      response.writeHead(302, { location: '/loop' });
      response.end();
    } else if (url.pathname === '/silent') {
      // Never answers: the client's deadline (or its signal) must end it.
      silentClosed = new Promise((resolve) => {
        response.on('close', resolve);
      });
    } else if (url.pathname === '/huge') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.alloc(2 * 1024 * 1024, 97));
    } else {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ method: request.method, body, path: url.pathname }));
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = portOf(server);
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
});

function portOf(listening: http.Server): number {
  const address = listening.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function refusal(promise: Promise<unknown>): Promise<GuardedFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GuardedFetchError) return error;
    throw error;
  }
  throw new Error('the request was not refused');
}

describe('guarded HTTP client', () => {
  const guarded = new GuardedHttpClient();
  const open = new GuardedHttpClient({ allowPrivateNetworks: true });

  it('classifies addresses: private, loopback, link-local, ULA, multicast, mapped are refused', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:7f00:1::',
      '2001:db8::1',
    ])
      expect(isForbiddenAddress(address), address).toBe(true);
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ])
      expect(isForbiddenAddress(address), address).toBe(false);
  });

  it('refuses loopback, private, link-local and localhost targets before connecting', async () => {
    for (const url of [
      `${base}/`,
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data',
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      'http://2130706433/',
    ]) {
      const error = await refusal(guarded.fetch(url));
      expect(error.code, url).toBe('FORBIDDEN_ADDRESS');
    }
    expect((await refusal(guarded.fetch('file:///etc/passwd'))).code).toBe('INVALID_URL');
    expect((await refusal(guarded.fetch('ftp://example.com/'))).code).toBe('INVALID_URL');
  });

  it('re-checks every redirect hop', async () => {
    // 127.0.0.1 is allow-listed; where it redirects to is not.
    const listed = new GuardedHttpClient({ allowedAddresses: ['127.0.0.1'] });
    expect((await listed.fetch(`${base}/echo`)).status).toBe(200);
    for (const to of [
      'http://169.254.169.254/latest/meta-data',
      `http://[::1]:${port}/echo`,
      `http://127.0.0.2:${port}/echo`,
      'http://10.0.0.1/',
    ]) {
      const error = await refusal(listed.fetch(`${base}/redirect?to=${encodeURIComponent(to)}`));
      expect(error.code, to).toBe('FORBIDDEN_ADDRESS');
    }
  });

  it('allows private targets with the flag, follows redirects and rewrites 303 to GET', async () => {
    const direct = await open.fetch(`${base}/echo`, { method: 'POST', body: 'hello' });
    expect(direct.status).toBe(200);
    expect(JSON.parse(direct.text())).toEqual({ method: 'POST', body: 'hello', path: '/echo' });
    const redirected = await open.fetch(
      `${base}/redirect?status=303&to=${encodeURIComponent(`http://localhost:${port}/after`)}`,
      { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } },
    );
    expect(redirected.url).toBe(`http://localhost:${port}/after`);
    expect(JSON.parse(redirected.text())).toMatchObject({
      method: 'GET',
      body: '',
      path: '/after',
    });
    const kept = await open.fetch(`${base}/redirect?status=307&to=${encodeURIComponent('/kept')}`, {
      method: 'POST',
      body: 'same',
    });
    expect(JSON.parse(kept.text())).toMatchObject({ method: 'POST', body: 'same', path: '/kept' });
    expect((await refusal(open.fetch(`${base}/loop`))).code).toBe('TOO_MANY_REDIRECTS');
  });

  it('gives up at the deadline', async () => {
    const started = Date.now();
    const error = await refusal(open.fetch(`${base}/silent`, { timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('returns a redirect as it is when asked not to follow it, requesting nothing more', async () => {
    const to = `http://localhost:${port}/elsewhere`;
    const start = received.length;
    const moved = await open.fetch(`${base}/redirect?status=301&to=${encodeURIComponent(to)}`, {
      followRedirects: false,
    });
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(to);
    expect(moved.url).toBe(`${base}/redirect?status=301&to=${encodeURIComponent(to)}`);
    expect(moved.body.length).toBe(0);
    const looped = await open.fetch(`${base}/loop`, { followRedirects: false });
    expect([looped.status, looped.headers.location]).toEqual([302, '/loop']);
    expect(received.slice(start)).toEqual([
      `/redirect?status=301&to=${encodeURIComponent(to)}`,
      '/loop',
    ]);
    // The requested URL is checked as always; where it points is the caller's to judge.
    const refused = await refusal(
      guarded.fetch(`${base}/redirect?to=%2Fecho`, { followRedirects: false }),
    );
    expect(refused.code).toBe('FORBIDDEN_ADDRESS');
    const listed = new GuardedHttpClient({ allowedAddresses: ['127.0.0.1'] });
    const metadata = 'http://169.254.169.254/latest/meta-data';
    const unfollowed = await listed.fetch(`${base}/redirect?to=${encodeURIComponent(metadata)}`, {
      followRedirects: false,
    });
    expect([unfollowed.status, unfollowed.headers.location]).toEqual([302, metadata]);
    expect((await refusal(listed.fetch(metadata, { followRedirects: false }))).code).toBe(
      'FORBIDDEN_ADDRESS',
    );
  });

  it('cancels a request when its signal aborts, and sends none once aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => {
      controller.abort();
    }, 100);
    const error = await refusal(
      open.fetch(`${base}/silent`, { signal: controller.signal, timeoutMs: 5_000 }),
    );
    expect(error.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2_000);
    await silentClosed; // the connection was closed, not left to the deadline
    const start = received.length;
    const before = await refusal(open.fetch(`${base}/echo`, { signal: AbortSignal.abort() }));
    expect(before.code).toBe('ABORTED');
    expect(received.slice(start)).toEqual([]);
    // A signal that never fires changes nothing.
    const calm = await open.fetch(`${base}/echo`, { signal: new AbortController().signal });
    expect(calm.status).toBe(200);
  });

  it('reads the body up to the cap and cuts it off there', async () => {
    const capped = await open.fetch(`${base}/huge`, { maxResponseBytes: 1_000 });
    expect(capped.body.length).toBe(1_000);
    expect(capped.truncated).toBe(true);
    const whole = await open.fetch(`${base}/huge`, { maxResponseBytes: 4 * 1024 * 1024 });
    expect(whole.body.length).toBe(2 * 1024 * 1024);
    expect(whole.truncated).toBe(false);
    const byDefault = await open.fetch(`${base}/huge`);
    expect(byDefault.body.length).toBe(1_048_576);
  });

  it('reports refused connections as network errors', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = portOf(closed);
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const error = await refusal(open.fetch(`http://127.0.0.1:${closedPort}/`));
    expect(error.code).toBe('NETWORK');
  });
});
