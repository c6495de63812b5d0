import { isRecord, messageOf } from './codeblock-run.js';
import type {
  CodeblockLimits,
  CodeblockResult,
  SandboxFetch,
  SandboxFetchRequest,
  SandboxFetchResponse,
} from './sandbox-types.js';

/**
 * What the pool (main thread) and its workers say to each other. Messages arrive as
 * `unknown`, so each side checks them with the guards below before acting on them.
 */

/** Main → worker: run this code in a fresh QuickJS instance. */
export interface RunJob {
  readonly type: 'run';
  readonly id: number;
  readonly code: string;
  readonly variablesJson: string;
  readonly limits: Required<CodeblockLimits>;
  /** Whether the host gave the run a fetch; without one the worker refuses requests itself. */
  readonly fetch: boolean;
}

/** Main → worker: how the host's fetch for one of the run's requests ended. */
export type FetchAnswer =
  | {
      readonly type: 'fetched';
      readonly fetchId: number;
      readonly ok: true;
      readonly response: SandboxFetchResponse;
    }
  | {
      readonly type: 'fetched';
      readonly fetchId: number;
      readonly ok: false;
      readonly message: string;
    };

export type ToWorker = RunJob | FetchAnswer;

/** Which way a run's QuickJS instance ended (see SandboxStats). */
export type RunOutcome = 'disposed' | 'unclean' | 'fault';

export type FromWorker =
  /** The worker module is loaded: a death after this is a crash, not a failure to start. */
  | { readonly type: 'ready' }
  /** The instance exists and the code's wall clock starts now. */
  | { readonly type: 'started'; readonly id: number }
  | {
      readonly type: 'fetch';
      readonly id: number;
      readonly fetchId: number;
      readonly request: SandboxFetchRequest;
    }
  | {
      readonly type: 'done';
      readonly id: number;
      readonly result: CodeblockResult;
      readonly outcome: RunOutcome;
    }
  /** QuickJS could not be loaded at all: runCodeblock rejects, as it did on one thread. */
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

export function isToWorker(value: unknown): value is ToWorker {
  if (!isRecord(value)) return false;
  if (value.type === 'run')
    return (
      typeof value.id === 'number' &&
      typeof value.code === 'string' &&
      typeof value.variablesJson === 'string' &&
      isLimits(value.limits) &&
      typeof value.fetch === 'boolean'
    );
  if (value.type !== 'fetched' || typeof value.fetchId !== 'number') return false;
  return value.ok === true ? isFetchResponse(value.response) : typeof value.message === 'string';
}

export function isFromWorker(value: unknown): value is FromWorker {
  if (!isRecord(value)) return false;
  if (value.type === 'ready') return true;
  if (typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'started':
      return true;
    case 'fetch':
      return typeof value.fetchId === 'number' && isFetchRequest(value.request);
    case 'done':
      return (
        isResult(value.result) &&
        (value.outcome === 'disposed' || value.outcome === 'unclean' || value.outcome === 'fault')
      );
    case 'failed':
      return typeof value.message === 'string';
    default:
      return false;
  }
}

/**
 * Carries out a run's request with the host's fetch (on the main thread). Only the fields
 * the bridge reads cross the thread, checked as it checks them.
 */
export async function answerFetch(
  fetch: SandboxFetch | undefined,
  fetchId: number,
  request: SandboxFetchRequest,
): Promise<FetchAnswer> {
  const refused = (message: string) => ({ type: 'fetched', fetchId, ok: false, message }) as const;
  try {
    // The worker asks only for runs given a fetch.
    if (fetch === undefined) return refused('fetch is not available');
    const response = await fetch(request);
    if (!isFetchResponse(response)) return refused('the host returned a malformed response');
    const { status, headers, body } = response;
    return { type: 'fetched', fetchId, ok: true, response: { status, headers, body } };
  } catch (error) {
    return refused(messageOf(error));
  }
}

/** The checks FetchBridge's answer() makes: anything else is a malformed response. */
export function isFetchResponse(value: unknown): value is SandboxFetchResponse {
  return (
    isRecord(value) &&
    Number.isInteger(value.status) &&
    typeof value.body === 'string' &&
    isStringRecord(value.headers)
  );
}

function isFetchRequest(value: unknown): value is SandboxFetchRequest {
  return (
    isRecord(value) &&
    typeof value.url === 'string' &&
    typeof value.method === 'string' &&
    isStringRecord(value.headers) &&
    (value.body === undefined || typeof value.body === 'string')
  );
}

function isLimits(value: unknown): value is Required<CodeblockLimits> {
  return (
    isRecord(value) &&
    typeof value.timeoutMs === 'number' &&
    typeof value.memoryBytes === 'number' &&
    typeof value.maxOutputBytes === 'number'
  );
}

function isResult(value: unknown): value is CodeblockResult {
  if (!isRecord(value) || !isStringArray(value.logs)) return false;
  if (value.ok === true) return isRecord(value.variables);
  const error = value.error;
  return (
    value.ok === false &&
    isRecord(error) &&
    typeof error.message === 'string' &&
    (error.code === 'timeout' ||
      error.code === 'memory' ||
      error.code === 'error' ||
      error.code === 'invalid_output')
  );
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item: unknown) => typeof item === 'string');
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
}
