import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten';
import type { SandboxFetch, SandboxFetchRequest, SandboxFetchResponse } from './sandbox-types.js';

/** Bounds on the sandbox's only I/O, per run. */
export const SANDBOX_FETCH_LIMITS = {
  maxCalls: 5,
  maxRequestBytes: 256 * 1024,
  maxResponseBytes: 1024 * 1024,
} as const;

/**
 * The host side of the sandbox's `fetch`. QuickJS runs synchronously, so a request is a
 * QuickJS promise that the host settles later; the run loop waits on the bridge between
 * job queue drains. Every answer crosses as one JSON string (`{status, headers, body}` or
 * `{error}`), which the prelude turns into a response object or a TypeError: the host never
 * builds guest objects, so there are fewer handles to dispose.
 */
export class FetchBridge {
  readonly #context: QuickJSContext;
  readonly #fetch: SandboxFetch | undefined;
  readonly #pending = new Set<QuickJSDeferredPromise>();
  #calls = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  /** A failure of QuickJS itself while settling: rethrown into the run loop. */
  #fault: { error: unknown } | undefined;

  constructor(context: QuickJSContext, fetch: SandboxFetch | undefined) {
    this.#context = context;
    this.#fetch = fetch;
  }

  /** The `hostFetch(url, method, headersJson, body)` function handed to the prelude. */
  newHostFunction(): QuickJSHandle {
    return this.#context.newFunction('hostFetch', (...args) => this.#start(args));
  }

  get pending(): boolean {
    return this.#pending.size > 0;
  }

  /** Resolves true when a request settled, false when `ms` passed first. */
  async waitForSettlement(ms: number): Promise<boolean> {
    this.#throwFault();
    let timer: NodeJS.Timeout | undefined;
    const settled = await new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, ms, false);
      this.#wake = () => {
        resolve(true);
      };
    });
    clearTimeout(timer);
    this.#wake = undefined;
    this.#throwFault();
    return settled;
  }

  /** Requests still in flight are abandoned: their answers will be ignored. */
  close(): void {
    this.#closed = true;
    for (const deferred of this.#pending) deferred.dispose();
    this.#pending.clear();
  }

  /** After a fault in QuickJS: touch nothing, ignore late answers. */
  abandon(): void {
    this.#closed = true;
    this.#pending.clear();
  }

  #throwFault(): void {
    if (this.#fault !== undefined) throw this.#fault.error;
  }

  #start(args: QuickJSHandle[]): QuickJSHandle {
    const refuse = (message: string) => this.#context.newString(JSON.stringify({ error: message }));
    const fetch = this.#fetch;
    if (fetch === undefined)
      return refuse('fetch is not available: this codeblock was given no HTTP access');
    if (this.#calls >= SANDBOX_FETCH_LIMITS.maxCalls)
      return refuse(`fetch: at most ${SANDBOX_FETCH_LIMITS.maxCalls} requests per run`);
    const request = this.#request(args);
    if (typeof request === 'string') return refuse(request);
    this.#calls += 1;
    const deferred = this.#context.newPromise();
    this.#pending.add(deferred);
    void this.#carryOut(deferred, fetch, request);
    // The handle is the function's return value: QuickJS duplicates it and it is disposed.
    return deferred.handle;
  }

  #request(args: QuickJSHandle[]): SandboxFetchRequest | string {
    const [url, method, headers, body] = args.map((handle) =>
      this.#context.typeof(handle) === 'string' ? this.#context.getString(handle) : undefined,
    );
    if (url === undefined || method === undefined || headers === undefined)
      return 'fetch: invalid arguments';
    if (body !== undefined && Buffer.byteLength(body) > SANDBOX_FETCH_LIMITS.maxRequestBytes)
      return `fetch: the request body is larger than ${SANDBOX_FETCH_LIMITS.maxRequestBytes} bytes`;
    const parsed = stringRecord(JSON.parse(headers));
    if (parsed === undefined) return 'fetch: invalid headers';
    return body === undefined
      ? { url, method, headers: parsed }
      : { url, method, headers: parsed, body };
  }

  async #carryOut(
    deferred: QuickJSDeferredPromise,
    fetch: SandboxFetch,
    request: SandboxFetchRequest,
  ): Promise<void> {
    let json: string;
    try {
      json = answer(await fetch(request));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      json = JSON.stringify({ error: `fetch ${request.url}: ${message}` });
    }
    this.#settle(deferred, json);
  }

  /** Never throws: it runs detached from the run loop, which it wakes. */
  #settle(deferred: QuickJSDeferredPromise, json: string): void {
    if (this.#closed || !this.#pending.delete(deferred)) return;
    try {
      const value = this.#context.newString(json);
      try {
        deferred.resolve(value);
      } finally {
        value.dispose();
      }
    } catch (error) {
      this.#fault ??= { error };
    }
    this.#wake?.();
  }
}

/** The JSON the prelude reads; an oversized or malformed response becomes an error. */
function answer(response: SandboxFetchResponse): string {
  const headers = stringRecord(response.headers);
  if (!Number.isInteger(response.status) || typeof response.body !== 'string' || !headers)
    return JSON.stringify({ error: 'fetch: the host returned a malformed response' });
  if (Buffer.byteLength(response.body) > SANDBOX_FETCH_LIMITS.maxResponseBytes)
    return JSON.stringify({
      error: `fetch: the response body is larger than ${SANDBOX_FETCH_LIMITS.maxResponseBytes} bytes`,
    });
  return JSON.stringify({ status: response.status, headers, body: response.body });
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string') return undefined;
    record[name] = item;
  }
  return record;
}
