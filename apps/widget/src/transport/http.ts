import { isRecord, type Guard } from './guards.js';

/**
 * The JSON client for `/widget/api/*`. Every request carries the visitor's token; every
 * failure becomes an `ApiError` so callers can tell "the network is down, try again"
 * (status 0) from "the server said no" (the envelope's code and message).
 */

export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer came (offline, DNS, CORS, timeout). */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Worth trying again: nothing answered, or the server failed rather than refused. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message } = body.error;
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(status, code, message);
    }
  }
  return new ApiError(status, 'http_error', `The chat server answered ${status}`);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export class HttpClient {
  /** The visitor token, set once a session is open. */
  token: string | null = null;

  constructor(
    /** `${apiBase}/widget/api` */
    readonly base: string,
  ) {}

  async get<T>(path: string, guard: Guard<T>, signal?: AbortSignal): Promise<T> {
    return this.request('GET', path, undefined, guard, signal);
  }

  async post<T>(path: string, body: unknown, guard: Guard<T>): Promise<T> {
    return this.request('POST', path, body, guard);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    guard: Guard<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
        // The token travels in a header; cookies of the API's origin are never needed.
        credentials: 'omit',
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(0, 'network', 'The chat server could not be reached');
    }
    const data: unknown = await response.json().catch(() => null);
    if (!response.ok) throw toApiError(response.status, data);
    if (!guard(data)) throw new ApiError(response.status, 'bad_response', 'Unexpected answer');
    return data;
  }
}
