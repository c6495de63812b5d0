import { CodeblockPool, type CodeblockPoolOptions } from './codeblock-pool.js';
import { poolStats } from './codeblock-pool-stats.js';
import { failure, isRecord, messageOf } from './codeblock-run.js';
import type { CodeblockInput, CodeblockLimits, CodeblockResult } from './sandbox-types.js';

export type * from './sandbox-types.js';
export type { CodeblockPoolOptions } from './codeblock-pool.js';
export { SANDBOX_FETCH_LIMITS } from './sandbox-fetch-bridge.js';
export { guardedSandboxFetch, type GuardedSandboxFetchOptions } from './guarded-sandbox-fetch.js';

export const CODEBLOCK_DEFAULT_LIMITS = {
  timeoutMs: 1_000,
  memoryBytes: 32 * 1024 * 1024,
  maxOutputBytes: 1024 * 1024,
} as const;

export interface SandboxStats {
  readonly started: number;
  /** Runs whose QuickJS runtime was freed cleanly (a leaked object makes QuickJS abort). */
  readonly disposed: number;
  /**
   * Runs whose runtime QuickJS could not free: it leaks objects when code is interrupted
   * inside some promise chains. Harmless, as the run's whole instance is dropped.
   */
  readonly unclean: number;
  /**
   * Runs that QuickJS itself failed (a host stack overflow inside it, say), and runs whose
   * worker crashed or was terminated past the deadline.
   */
  readonly faults: number;
  /**
   * WebAssembly instances not yet garbage-collected, over all workers (one per run, dropped
   * after it: each worker collects after every run).
   */
  readonly liveInstances: number;
}

/** For tests and metrics: started = disposed + unclean + faults once no run is in flight. */
export function sandboxStats(): SandboxStats {
  return poolStats();
}

let pool: CodeblockPool | undefined;
let poolOptions: CodeblockPoolSettings = {};

export type CodeblockPoolSettings = Omit<CodeblockPoolOptions, 'workerModule'>;

/**
 * Sets the worker pool's size and grace (see CodeblockPoolOptions); call it at start-up.
 * A pool already running applies it to the next runs.
 */
export function configureCodeblockPool(settings: CodeblockPoolSettings): void {
  poolOptions = { ...poolOptions, ...settings };
  pool?.configure(settings);
}

/**
 * Starts the pool's workers now rather than on the first run, which would otherwise wait for
 * one to boot (about 0.2 s compiled, 0.5 s under tsx). Optional, for a server's start-up.
 */
export function warmCodeblockPool(): void {
  pool ??= new CodeblockPool(poolOptions);
  pool.prestart();
}

/**
 * Closes the pool: runs already accepted finish (each within its deadline + grace), then
 * every worker is terminated. A later runCodeblock starts a new pool. Idle workers never keep
 * the process alive, so this is for a clean shutdown, not a requirement to exit.
 */
export async function closeCodeblockPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}

/**
 * Runs a Codeblock's JavaScript in a fresh QuickJS runtime (WebAssembly) on a worker thread
 * and returns the variables it produced. Never rejects for anything the user's code does:
 * only for invalid limits, or when the sandbox (its worker, QuickJS's WebAssembly) cannot be
 * loaded at all.
 */
export async function runCodeblock(input: CodeblockInput): Promise<CodeblockResult> {
  const limits = resolveLimits(input.limits);
  if (!isRecord(input.variables))
    return failure('error', 'The input variables must be a plain object', []);
  let variablesJson: string;
  try {
    variablesJson = JSON.stringify(input.variables);
  } catch (error) {
    return failure('error', `The input variables are not JSON: ${messageOf(error)}`, []);
  }
  if (Buffer.byteLength(variablesJson) > limits.memoryBytes / 4)
    return failure('memory', 'The input variables are too large for the memory limit', []);
  pool ??= new CodeblockPool(poolOptions);
  return pool.run({ code: input.code, variablesJson, limits, fetch: input.fetch });
}

function resolveLimits(limits: CodeblockLimits = {}): Required<CodeblockLimits> {
  const resolved = {
    timeoutMs: limits.timeoutMs ?? CODEBLOCK_DEFAULT_LIMITS.timeoutMs,
    memoryBytes: limits.memoryBytes ?? CODEBLOCK_DEFAULT_LIMITS.memoryBytes,
    maxOutputBytes: limits.maxOutputBytes ?? CODEBLOCK_DEFAULT_LIMITS.maxOutputBytes,
  };
  for (const [name, value] of Object.entries(resolved))
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`codeblock limit ${name} must be a positive number, not ${value}`);
  return resolved;
}
