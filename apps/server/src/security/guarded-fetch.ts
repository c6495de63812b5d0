import dns from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { isForbiddenAddress } from './forbidden-address.js';
import type { GuardedConnectionPool } from './guarded-pool.js';

export { isForbiddenAddress } from './forbidden-address.js';

/**
 * The one HTTP client for requests made on a user's behalf (webhooks, HTTP blocks,
 * crawling, media): the target is whatever a tenant typed, so it must not reach the
 * machine's own network (SSRF, DESIGN.md §8). Every hop resolves the host, refuses
 * loopback/private/link-local/ULA/multicast/unspecified addresses, and connects to exactly
 * the addresses it checked (a pinned `lookup`: no second DNS answer can rebind the
 * connection to 127.0.0.1). Redirects are followed by hand so each hop is checked again;
 * a caller with rules of its own for where a redirect may lead (the crawler) can have the
 * 3xx answer back instead and decide before the next hop is requested.
 * Built on node:http because undici is not a dependency (Node 20 exposes no Agent).
 */

export interface GuardedFetchOptions {
  /** Allows private and loopback targets (PARLEY_ALLOW_PRIVATE_NETWORKS; tests). */
  readonly allowPrivateNetworks?: boolean;
  /** Exact addresses allowed although private (an internal receiver, say). */
  readonly allowedAddresses?: readonly string[];
  /** Whole request, all hops and the body included. Default 10 s. */
  readonly timeoutMs?: number;
  /** Bytes of response body read at most; the rest is cut off. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** Default 5. */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
  /**
   * Keep-alive connections for every request of this client that names no pool of its own:
   * for clients of operator-configured provider APIs (Graph, Twilio, Telegram), where a
   * connection per request would mean a TCP and TLS handshake per message sent. Never for a
   * client that fetches what tenants choose (see GuardedConnectionPool).
   */
  readonly connections?: GuardedConnectionPool;
}

export interface GuardedRequestInit extends Pick<
  GuardedFetchOptions,
  'timeoutMs' | 'maxResponseBytes' | 'maxRedirects'
> {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /**
   * Default true. False returns a 3xx answer as it is (status, headers with `location`,
   * whatever body it had) instead of requesting where it points: the caller judges the
   * target first and requests it with a fetch of its own (which is checked like any other).
   */
  readonly followRedirects?: boolean;
  /** Aborting cancels the request (a pending DNS lookup, connection or body read alike). */
  readonly signal?: AbortSignal;
  /**
   * Keep-alive connections to reuse (see GuardedConnectionPool). Without one, every request
   * has a connection of its own, closed when it is answered.
   */
  readonly connections?: GuardedConnectionPool;
}

export interface GuardedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects, if followed). */
  readonly url: string;
  readonly body: Buffer;
  /** The body was longer than the cap and was cut off there. */
  readonly truncated: boolean;
  text(): string;
}

export type GuardedFetchErrorCode =
  | 'INVALID_URL'
  | 'FORBIDDEN_ADDRESS'
  | 'DNS_FAILED'
  | 'TIMEOUT'
  | 'TOO_MANY_REDIRECTS'
  | 'NETWORK'
  /** The caller's signal aborted the request. */
  | 'ABORTED';

export class GuardedFetchError extends Error {
  override readonly name = 'GuardedFetchError';
  readonly code: GuardedFetchErrorCode;
  constructor(code: GuardedFetchErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1_048_576;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Credentials that must not follow a redirect to another origin (as fetch does). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function abortedError(signal: AbortSignal | undefined): GuardedFetchError {
  return new GuardedFetchError('ABORTED', 'the request was aborted', { cause: signal?.reason });
}

export class GuardedHttpClient {
  readonly #options: GuardedFetchOptions;

  constructor(options: GuardedFetchOptions = {}) {
    this.#options = options;
  }

  /** Sends a request; throws GuardedFetchError for refused targets and transport failures. */
  async fetch(target: string | URL, init: GuardedRequestInit = {}): Promise<GuardedResponse> {
    if (init.signal?.aborted === true) throw abortedError(init.signal);
    const deadline = Date.now() + (init.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const maxRedirects = init.maxRedirects ?? this.#options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    let url = parseUrl(target);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    const headers = new Map([['user-agent', this.#options.userAgent ?? 'Parley']]);
    for (const [name, value] of Object.entries(init.headers ?? {}))
      headers.set(name.toLowerCase(), value);
    for (let hop = 0; ; hop++) {
      const response = await this.#hop(url, method, headers, body, deadline, init);
      const location = response.headers.location;
      if (init.followRedirects === false) return response;
      if (!REDIRECTS.has(response.status) || location === undefined) return response;
      if (hop >= maxRedirects)
        throw new GuardedFetchError('TOO_MANY_REDIRECTS', `more than ${maxRedirects} redirects`);
      const next = parseUrl(new URL(location, url));
      // 303, and 301/302 after a POST, turn into a GET without a body (as browsers do).
      if (response.status === 303 || (response.status <= 302 && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      if (next.origin !== url.origin) for (const name of ORIGIN_BOUND_HEADERS) headers.delete(name);
      url = next;
    }
  }

  /** Resolves and checks the host; returns the addresses the connection may use. */
  async #addresses(
    hostname: string,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<dns.LookupAddress[]> {
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    const addresses = await resolve(host, deadline, signal);
    if (addresses.length === 0)
      throw new GuardedFetchError('DNS_FAILED', `${host} has no addresses`);
    if (this.#options.allowPrivateNetworks === true) return addresses;
    const allowed = this.#options.allowedAddresses ?? [];
    // Any forbidden answer refuses the host: a mixed answer is how rebinding tricks start.
    const refused = addresses.find(
      ({ address }) => isForbiddenAddress(address) && !allowed.includes(address),
    );
    if (refused !== undefined) {
      const what =
        host === refused.address ? host : `${host} resolves to ${refused.address}, which`;
      throw new GuardedFetchError('FORBIDDEN_ADDRESS', `${what} is a private or reserved address`);
    }
    return addresses;
  }

  async #hop(
    url: URL,
    method: string,
    headers: ReadonlyMap<string, string>,
    body: string | Uint8Array | undefined,
    deadline: number,
    init: GuardedRequestInit,
  ): Promise<GuardedResponse> {
    const { signal } = init;
    const addresses = await this.#addresses(url.hostname, deadline, signal);
    // Between hops, or while the lookup was settling: nothing has been sent yet.
    if (signal?.aborted === true) throw abortedError(signal);
    const cap = init.maxResponseBytes ?? this.#options.maxResponseBytes ?? DEFAULT_MAX_BYTES;
    const payload = body === undefined ? undefined : Buffer.from(body);
    const hopHeaders = Object.fromEntries(headers);
    if (payload !== undefined) hopHeaders['content-length'] = String(payload.length);
    const request: HopRequest = { url, method, headers: hopHeaders, payload, cap, deadline };
    const agent = (init.connections ?? this.#options.connections)?.agentFor(url, addresses);
    // A kept-alive connection the server has closed meanwhile fails before any answer: an
    // idempotent request is sent again, on another connection to the same checked addresses.
    for (let attempt = 1; ; attempt++) {
      const retry = agent !== undefined && attempt < 3 && (method === 'GET' || method === 'HEAD');
      const outcome = await send(request, addresses, agent, retry, signal);
      if (outcome !== STALE) return outcome;
    }
  }
}

interface HopRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly payload: Buffer | undefined;
  readonly cap: number;
  readonly deadline: number;
}

/** What a request on a reused connection got when the server had closed it. */
const STALE = Symbol('stale connection');

const STALE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function isStale(request: http.ClientRequest, error: NodeJS.ErrnoException): boolean {
  return request.reusedSocket && error.code !== undefined && STALE_CODES.has(error.code);
}

/**
 * One request over a connection to the checked addresses: a new one (no agent), or a
 * kept-alive one of the agent, which the agent only ever opens to the same addresses.
 */
function send(
  hop: HopRequest,
  addresses: readonly dns.LookupAddress[],
  agent: http.Agent | undefined,
  retryStale: boolean,
  signal: AbortSignal | undefined,
): Promise<GuardedResponse | typeof STALE> {
  const { url, cap, deadline } = hop;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<GuardedResponse | typeof STALE>((resolve, reject) => {
    let settled = false;
    // `reusable`: the answer was read to its end, so a kept-alive connection can serve the
    // next request. Anything else (cut off, timed out, aborted, failed) closes it.
    const finish = (outcome: () => void, reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
      if (!reusable || agent === undefined) request.destroy();
    };
    const fail = (code: GuardedFetchErrorCode, message: string, cause?: unknown) => {
      finish(() => {
        reject(new GuardedFetchError(code, `${url.host}: ${message}`, { cause }));
      });
    };
    // Without an agent (agent: false), a fresh socket per request, never a pooled one.
    const lookup = pinnedLookup(addresses);
    const request = transport.request(url, {
      method: hop.method,
      headers: hop.headers,
      agent: agent ?? false,
      lookup,
    });
    const remaining = Math.max(0, deadline - Date.now());
    const timer = setTimeout(fail, remaining, 'TIMEOUT', 'no complete answer in time');
    // Destroying the request (in finish) closes the socket: the server sees it go.
    const onAbort = () => {
      finish(() => {
        reject(abortedError(signal));
      });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (retryStale && isStale(request, error)) {
        finish(() => {
          resolve(STALE);
        });
        return;
      }
      fail('NETWORK', error.message, error);
    });
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (truncated: boolean) => {
        const body = Buffer.concat(chunks);
        const head = { status: response.statusCode ?? 0, headers: response.headers };
        const text = () => body.toString('utf8');
        finish(() => {
          resolve({ ...head, url: url.href, body, truncated, text });
        }, !truncated);
      };
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        chunks.push(chunk.subarray(0, cap - size));
        size += chunk.length;
        if (size > cap) done(true);
      });
      response.on('end', () => {
        done(false);
      });
      response.on('error', (error) => {
        fail('NETWORK', error.message, error);
      });
    });
    request.end(hop.payload);
  });
}

function parseUrl(target: string | URL): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch (error) {
    throw new GuardedFetchError('INVALID_URL', `not a URL: ${String(target)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GuardedFetchError('INVALID_URL', `${url.protocol} is not allowed, only http(s)`);
  return url;
}

/** A `lookup` that answers with the checked addresses only (Node asks for one or all). */
function pinnedLookup(addresses: readonly dns.LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const wanted = addresses.filter((entry) => (family ?? 0) === 0 || entry.family === family);
    const first = wanted[0];
    if (first === undefined) {
      callback(new Error('no checked address of the requested family'), []);
      return;
    }
    if (options.all === true) callback(null, wanted);
    else callback(null, first.address, first.family);
  };
}

/** getaddrinfo has no deadline of its own and cannot be cancelled; the request's bounds it. */
async function resolve(
  host: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<dns.LookupAddress[]> {
  const family = net.isIP(host);
  if (family !== 0) return [{ address: host, family }];
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const slow = new GuardedFetchError('TIMEOUT', `resolving ${host} took too long`);
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(reject, Math.max(0, deadline - Date.now()), slow);
    if (signal === undefined) return;
    onAbort = () => {
      reject(abortedError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([dns.promises.lookup(host, { all: true, verbatim: true }), late]);
  } catch (error) {
    if (error instanceof GuardedFetchError) throw error;
    throw new GuardedFetchError('DNS_FAILED', `could not resolve ${host}`, { cause: error });
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
