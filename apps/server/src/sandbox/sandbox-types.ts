/** The one way out of the sandbox: an HTTP request the host carries out (or refuses). */
export interface SandboxFetchRequest {
  readonly url: string;
  readonly method: string;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface SandboxFetchResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Rejects for refused or failed requests; the message is shown to the user's code. */
export type SandboxFetch = (request: SandboxFetchRequest) => Promise<SandboxFetchResponse>;

export interface CodeblockLimits {
  /** Wall-clock budget of the whole run, fetches included. Default 1000 ms. */
  readonly timeoutMs?: number;
  /** Heap of the QuickJS runtime. Default 32 MiB. */
  readonly memoryBytes?: number;
  /** The resulting variables as UTF-8 JSON. Default 1 MiB. */
  readonly maxOutputBytes?: number;
}

export interface CodeblockInput {
  readonly code: string;
  readonly variables: Record<string, unknown>;
  readonly limits?: CodeblockLimits;
  readonly fetch?: SandboxFetch;
}

export type CodeblockErrorCode = 'timeout' | 'memory' | 'error' | 'invalid_output';

export type CodeblockResult =
  | { ok: true; variables: Record<string, unknown>; logs: string[] }
  | { ok: false; error: { code: CodeblockErrorCode; message: string }; logs: string[] };
