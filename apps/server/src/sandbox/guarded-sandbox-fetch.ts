import type { IncomingHttpHeaders } from 'node:http';
import type { GuardedHttpClient } from '../security/guarded-fetch.js';
import { SANDBOX_FETCH_LIMITS } from './sandbox-fetch-bridge.js';
import type { SandboxFetch } from './sandbox-types.js';

export interface GuardedSandboxFetchOptions {
  /** Per request; the run's own deadline usually ends it sooner. Default: the client's. */
  readonly timeoutMs?: number;
}

/**
 * The sandbox's `fetch`, carried out by the SSRF-guarded client: whatever URL user code
 * asks for is checked there (private and loopback addresses refused unless the client was
 * built with allowPrivateNetworks, i.e. PARLEY_ALLOW_PRIVATE_NETWORKS; every redirect hop
 * checked again). Pass the runtime's shared client so that configuration applies.
 */
export function guardedSandboxFetch(
  http: GuardedHttpClient,
  options: GuardedSandboxFetchOptions = {},
): SandboxFetch {
  const maxResponseBytes = SANDBOX_FETCH_LIMITS.maxResponseBytes;
  return async ({ url, method, headers, body }) => {
    const response = await http.fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      maxResponseBytes,
    });
    // A cut-off body would parse as broken JSON in the user's code: refuse it whole.
    if (response.truncated)
      throw new Error(`the response body is larger than ${maxResponseBytes} bytes`);
    return {
      status: response.status,
      headers: flatHeaders(response.headers),
      body: response.text(),
    };
  };
}

/** node:http's repeated headers are arrays; fetch joins them with ", " (set-cookie too). */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
