import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlAll, pageRequests } from './test-support.js';

/** Twelve pages that link to each other, on a server that counts its connections. */
const PAGES = Array.from({ length: 12 }, (_, n) => `/page-${String(n)}`);
const connections: Socket[] = [];
const requests: string[] = [];
let server: http.Server;
let origin = '';

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push(request.url ?? '/');
    if (request.url === '/robots.txt') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
      return;
    }
    const links = PAGES.map((path) => `<a href="${path}">${path}</a>`).join(' ');
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<html><body><main><p>Page ${request.url ?? ''}</p>${links}</main></body></html>`);
  });
  server.on('connection', (socket: Socket) => {
    connections.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a crawl’s connections', () => {
  it('are kept alive across its requests, at most one per request in flight, and closed at its end', async () => {
    const start = connections.length;
    const run = await crawlAll({ startUrl: `${origin}/page-0`, concurrency: 2 });
    const ours = connections.slice(start);
    expect(pageRequests(run.client.urls.map((url) => new URL(url).pathname)).sort()).toEqual(
      [...PAGES].sort(),
    );
    // robots.txt, the sitemap and twelve pages over two connections at most.
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.length).toBeLessThanOrEqual(2);
    await Promise.all(
      ours
        .filter((socket) => !socket.destroyed)
        .map((socket) => new Promise((resolve) => socket.once('close', resolve))),
    );
    // The next crawl has connections of its own.
    await crawlAll({ startUrl: `${origin}/page-0`, concurrency: 1 });
    expect(connections.length - start - ours.length).toBe(1);
  });
});
