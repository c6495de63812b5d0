import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GuardedFetchError, GuardedHttpClient } from './guarded-fetch.js';
import { GuardedConnectionPool } from './guarded-pool.js';

/** A server that counts its connections; `/drop` answers once per connection, then drops it. */
interface CountingServer {
  readonly server: http.Server;
  readonly connections: Socket[];
  port: number;
}

async function countingServer(host: string, port = 0): Promise<CountingServer> {
  const served = new WeakSet<Socket>();
  const connections: Socket[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    const socket = request.socket;
    if (request.url === '/drop' && served.has(socket)) {
      socket.destroy(); // as a server that closed an idle connection just as it was reused
      return;
    }
    served.add(socket);
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(`${host} ${request.method ?? ''}`);
  });
  server.on('connection', (socket: Socket) => {
    connections.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, connections, port: bound };
}

async function stop({ server }: CountingServer): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

const client = new GuardedHttpClient({ allowPrivateNetworks: true });
let site: CountingServer;
let base: string;
const pools: GuardedConnectionPool[] = [];
const newPool = () => {
  const pool = new GuardedConnectionPool();
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  site = await countingServer('127.0.0.1');
  base = `http://127.0.0.1:${String(site.port)}`;
});
afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});
afterAll(async () => {
  await stop(site);
});

describe('guarded connection pool', () => {
  it('reuses a connection only for the same host and checked address, within one pool', async () => {
    const start = site.connections.length;
    const opened = () => site.connections.length - start;
    const pool = newPool();
    for (let i = 0; i < 3; i++)
      expect((await client.fetch(`${base}/`, { connections: pool })).status).toBe(200);
    expect(opened()).toBe(1);
    // Without a pool, a connection per request, as always.
    await client.fetch(`${base}/`);
    await client.fetch(`${base}/`);
    expect(opened()).toBe(3);
    // Another host name for the same server, and another pool: connections of their own.
    await client.fetch(`http://localhost:${String(site.port)}/`, { connections: pool });
    expect(opened()).toBe(4);
    await client.fetch(`${base}/`, { connections: newPool() });
    expect(opened()).toBe(5);
    await client.fetch(`${base}/`, { connections: pool });
    expect(opened()).toBe(5);
  });

  it('keeps an agent per scheme, host, port and checked addresses', () => {
    const pool = newPool();
    const loopback = [{ address: '127.0.0.1', family: 4 }];
    const agent = pool.agentFor(new URL('http://pool.test:8080/a'), loopback);
    expect(pool.agentFor(new URL('http://pool.test:8080/b?c'), loopback)).toBe(agent);
    const others: [string, LookupAddress[]][] = [
      // The host now resolves elsewhere: its connections are not the old address's.
      ['http://pool.test:8080/a', [{ address: '127.0.0.2', family: 4 }]],
      ['http://pool.test:8080/a', [...loopback, { address: '::1', family: 6 }]],
      ['http://other.test:8080/a', loopback],
      ['http://pool.test:8081/a', loopback],
      ['https://pool.test:8080/a', loopback],
    ];
    for (const [url, addresses] of others)
      expect(pool.agentFor(new URL(url), addresses), url).not.toBe(agent);
    pool.close();
    expect(pool.agentFor(new URL('http://pool.test:8080/a'), loopback)).toBeUndefined();
  });

  it('still checks every request: a pooled one is refused a private address', async () => {
    const guarded = new GuardedHttpClient();
    const error = await guarded.fetch(`${base}/`, { connections: newPool() }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(GuardedFetchError);
    expect(error instanceof GuardedFetchError ? error.code : '').toBe('FORBIDDEN_ADDRESS');
  });

  it('closes its connections when closed; requests after that get their own', async () => {
    const pool = newPool();
    await client.fetch(`${base}/`, { connections: pool });
    const socket = site.connections.at(-1);
    const closed = new Promise<void>((resolve) => {
      socket?.once('close', () => {
        resolve();
      });
    });
    pool.close();
    await closed;
    const start = site.connections.length;
    await client.fetch(`${base}/`, { connections: pool });
    await client.fetch(`${base}/`, { connections: pool });
    expect(site.connections.length - start).toBe(2);
  });

  it('sends a GET again when the server dropped the kept-alive connection, not a POST', async () => {
    const pool = newPool();
    await client.fetch(`${base}/drop`, { connections: pool });
    const again = await client.fetch(`${base}/drop`, { connections: pool });
    expect([again.status, again.text()]).toEqual([200, '127.0.0.1 GET']);
    const post = await client
      .fetch(`${base}/drop`, { connections: pool, method: 'POST', body: 'x' })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(post instanceof GuardedFetchError ? post.code : post).toBe('NETWORK');
  });

  it('serves every request of a client made with a pool (provider APIs) over kept-alive connections', async () => {
    const pooled = new GuardedHttpClient({ allowPrivateNetworks: true, connections: newPool() });
    const start = site.connections.length;
    for (let i = 0; i < 5; i++) {
      const answer = await pooled.fetch(`${base}/messages`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(200);
    }
    expect(site.connections.length - start).toBe(1);
    // The plain client still opens a connection per request.
    for (let i = 0; i < 2; i++)
      await client.fetch(`${base}/messages`, { method: 'POST', body: '{}' });
    expect(site.connections.length - start).toBe(3);
  });
});
