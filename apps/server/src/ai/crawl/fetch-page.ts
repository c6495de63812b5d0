import {
  GuardedFetchError,
  type GuardedHttpClient,
  type GuardedResponse,
} from '../../security/guarded-fetch.js';
import type { GuardedConnectionPool } from '../../security/guarded-pool.js';
import type { Pacer } from './pacer.js';
import { normaliseUrl } from './url.js';

/**
 * One GET for the crawler, with the reasons a person can act on when it fails. The guarded
 * client does the SSRF checks, the byte cap and the abort; redirects are followed here, one
 * request per hop, so that where a redirect points is judged (by the caller's rules: the
 * crawl's scope) before anything is sent there, and a loop is seen the moment it closes.
 */

export interface FetchLimits {
  readonly userAgent: string;
  /** The whole fetch, every redirect hop and the body included (turns waited for are not). */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** Every request (each redirect hop too) waits its turn here first. */
  readonly pacer?: Pacer;
  /** Where a redirect may lead, asked before the target is requested. Default: anywhere. */
  readonly redirects?: (target: URL) => RedirectVerdict;
  /** Kept-alive connections to reuse (the crawl's own). */
  readonly connections?: GuardedConnectionPool;
}

/**
 * 'off-site': the target is not the crawl's (another origin, or outside its path prefix):
 * the fetch fails, naming it. 'skip': the crawl may not request it (robots.txt, exclude
 * patterns): the fetch fails too, with the target as its finalUrl for the caller to judge.
 */
export type RedirectVerdict = 'follow' | 'off-site' | 'skip';

/** How many redirects a page may take (the client checks every hop's address). */
export const MAX_REDIRECTS = 5;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export type FetchResult =
  | { readonly kind: 'response'; readonly response: GuardedResponse }
  /** finalUrl: where redirects had led when it failed (a refused target included). */
  | { readonly kind: 'failed'; readonly error: string; readonly finalUrl?: string }
  | { readonly kind: 'aborted' };

export type PageResult =
  | {
      readonly kind: 'page';
      readonly finalUrl: string;
      readonly contentType: string;
      readonly html: boolean;
      readonly body: string;
    }
  | { readonly kind: 'failed'; readonly error: string; readonly finalUrl?: string }
  | { readonly kind: 'aborted' };

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1';

/**
 * A GET, following up to MAX_REDIRECTS redirects: each Location is resolved against the
 * URL that sent it and normalised as the crawler names URLs, then must not be one this
 * chain already requested ("redirect loop") and must pass `limits.redirects`, all before
 * it is requested. The response is the first that is not a redirect.
 */
export async function fetchResource(
  http: GuardedHttpClient,
  url: URL,
  limits: FetchLimits,
): Promise<FetchResult> {
  const { signal } = limits;
  let spentMs = 0; // in requests, not in the pacer's queue
  const visited = new Set([(normaliseUrl(url.href) ?? url).href]);
  let current = url;
  for (let hop = 0; ; hop++) {
    if (signal.aborted) return { kind: 'aborted' };
    if (limits.pacer !== undefined && !(await limits.pacer.turn(signal)))
      return { kind: 'aborted' };
    const remaining = limits.timeoutMs - spentMs;
    const failed = (error: string): FetchResult => ({
      kind: 'failed',
      error,
      ...(hop > 0 ? { finalUrl: current.href } : {}),
    });
    if (remaining <= 0) return failed(timedOut(limits));
    let response: GuardedResponse;
    const sentAt = Date.now();
    try {
      response = await http.fetch(current, {
        headers: { 'user-agent': limits.userAgent, accept: ACCEPT },
        timeoutMs: remaining,
        maxResponseBytes: limits.maxBytes,
        followRedirects: false,
        signal,
        connections: limits.connections,
      });
    } catch (error) {
      if (wasAborted(error, signal)) return { kind: 'aborted' };
      return failed(describeError(error, limits));
    } finally {
      spentMs += Date.now() - sentAt;
    }
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || location === undefined)
      return { kind: 'response', response };
    const next = normaliseUrl(location, current);
    if (next === undefined) return failed(`redirected to ${location}, which is not a web page`);
    if (visited.has(next.href)) return failed('redirect loop');
    const verdict = limits.redirects?.(next) ?? 'follow';
    const refused = (error: string): FetchResult => ({
      kind: 'failed',
      error,
      finalUrl: next.href,
    });
    if (verdict === 'off-site') return refused(`redirected off the site to ${next.href}`);
    if (verdict === 'skip')
      return refused(`redirected to ${next.href}, which the crawl may not fetch`);
    if (hop >= MAX_REDIRECTS) return failed(`more than ${MAX_REDIRECTS} redirects`);
    visited.add(next.href);
    current = next;
  }
}

/** A page: a 2xx answer with an HTML or plain-text body no bigger than the cap. */
export async function fetchPage(
  http: GuardedHttpClient,
  url: URL,
  limits: FetchLimits,
): Promise<PageResult> {
  const result = await fetchResource(http, url, limits);
  if (result.kind !== 'response') return result;
  const { response } = result;
  const finalUrl = response.url;
  if (response.status < 200 || response.status > 299)
    return { kind: 'failed', error: `HTTP ${response.status}`, finalUrl };
  if (response.truncated)
    return { kind: 'failed', error: `larger than ${formatBytes(limits.maxBytes)}`, finalUrl };
  const header = headerValue(response.headers['content-type']);
  const mediaType = (header.split(';')[0] ?? '').trim().toLowerCase() || sniff(response.body);
  const html = mediaType === 'text/html' || mediaType === 'application/xhtml+xml';
  if (!html && mediaType !== 'text/plain') {
    const what = mediaType === '' ? 'no Content-Type' : mediaType;
    return { kind: 'failed', error: `not HTML (${what})`, finalUrl };
  }
  const body = decode(response.body, /charset\s*=\s*"?([^";\s]+)/i.exec(header)?.[1]);
  return { kind: 'page', finalUrl, contentType: mediaType, html, body };
}

/** The crawl's signal ended the request (a function: TS would narrow `signal.aborted`). */
function wasAborted(error: unknown, signal: AbortSignal): boolean {
  return (error instanceof GuardedFetchError && error.code === 'ABORTED') || signal.aborted;
}

function timedOut(limits: FetchLimits): string {
  return `timed out after ${formatSeconds(limits.timeoutMs)}`;
}

function describeError(error: unknown, limits: FetchLimits): string {
  if (!(error instanceof GuardedFetchError))
    return error instanceof Error ? error.message : String(error);
  return error.code === 'TIMEOUT' ? timedOut(limits) : error.message;
}

/** A missing Content-Type: only an obvious HTML document counts as one. */
function sniff(body: Buffer): string {
  const head = body.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') ? 'text/html' : '';
}

function decode(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body); // an unknown charset label
  }
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function formatSeconds(ms: number): string {
  return `${String(Math.round(ms / 100) / 10)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${String(Math.round((bytes / 1024 / 1024) * 10) / 10)} MiB`;
  if (bytes >= 1024) return `${String(Math.round((bytes / 1024) * 10) / 10)} KiB`;
  return `${String(bytes)} bytes`;
}
