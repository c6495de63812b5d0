import dns from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';

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

function ipv4Number(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/**
 * IPv4 that is not the public Internet: "this network", private, carrier-grade NAT,
 * loopback, link-local (cloud metadata), IETF and documentation blocks, 6to4 relays,
 * benchmarking, multicast, reserved and broadcast.
 */
const FORBIDDEN_V4 = (
  '0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 ' +
  '192.0.0.0/24 192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 ' +
  '198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4'
)
  .split(' ')
  .map((cidr): { size: number; block: number } => {
    const [base = '', bits = '32'] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    return { size, block: Math.floor(ipv4Number(base) / size) };
  });

function forbiddenV4(address: string): boolean {
  const value = ipv4Number(address);
  return FORBIDDEN_V4.some(({ size, block }) => Math.floor(value / size) === block);
}

/** The eight 16-bit words of a valid IPv6 address (an embedded IPv4 tail included). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail !== undefined) {
    const value = ipv4Number(tail);
    text = `${text.slice(0, -tail.length)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function embeddedV4(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Whether an address is anything but a public unicast one. IPv6 forms that carry an IPv4
 * address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are judged by that address; otherwise only global unicast (2000::/3)
 * outside documentation and Teredo passes.
 */
export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return forbiddenV4(address);
  if (family !== 6) return true;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = ipv6Words(address);
  const zeroPrefix = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  if (zeroPrefix && (w5 === 0xffff || w5 === 0)) return forbiddenV4(embeddedV4(w6, w7));
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0)
    return forbiddenV4(embeddedV4(w6, w7));
  if (w0 === 0x2002) return forbiddenV4(embeddedV4(w1, w2));
  if ((w0 & 0xe000) !== 0x2000) return true; // ULA, link-local, multicast, unassigned
  return w0 === 0x2001 && (w1 === 0x0db8 || w1 === 0); // documentation, Teredo
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
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<GuardedResponse>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
        request.destroy();
      };
      const fail = (code: GuardedFetchErrorCode, message: string, cause?: unknown) => {
        finish(() => {
          reject(new GuardedFetchError(code, `${url.host}: ${message}`, { cause }));
        });
      };
      // agent: false: a fresh socket per request, never a pooled one opened for another check.
      const lookup = pinnedLookup(addresses);
      const request = transport.request(url, { method, headers: hopHeaders, agent: false, lookup });
      const remaining = Math.max(0, deadline - Date.now());
      const timer = setTimeout(fail, remaining, 'TIMEOUT', 'no complete answer in time');
      // Destroying the request (in finish) closes the socket: the server sees it go.
      const onAbort = () => {
        finish(() => {
          reject(abortedError(signal));
        });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => {
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
          });
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
      request.end(payload);
    });
  }
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
