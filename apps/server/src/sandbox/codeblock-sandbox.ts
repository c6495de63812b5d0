import { CodeblockRun, failure, isRecord, messageOf } from './codeblock-run.js';
import { liveSandboxInstances, newSandboxModule } from './quickjs-module.js';
import type { CodeblockInput, CodeblockLimits, CodeblockResult } from './sandbox-types.js';

export type * from './sandbox-types.js';
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
  /** Runs that QuickJS itself failed (a host stack overflow inside it, say). */
  readonly faults: number;
  /** WebAssembly instances not yet garbage-collected (one per run, dropped after it). */
  readonly liveInstances: number;
}

const stats = { started: 0, disposed: 0, unclean: 0, faults: 0 };

/** For tests and metrics: started = disposed + unclean + faults once no run is in flight. */
export function sandboxStats(): SandboxStats {
  return { ...stats, liveInstances: liveSandboxInstances() };
}

/**
 * Runs a Codeblock's JavaScript in a fresh QuickJS runtime (WebAssembly) and returns the
 * variables it produced. Never rejects for anything the user's code does: only for invalid
 * limits, or when the QuickJS WebAssembly cannot be loaded at all.
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
  const module = await newSandboxModule(limits.memoryBytes);
  stats.started += 1;
  let run: CodeblockRun | undefined;
  let result: CodeblockResult;
  try {
    run = new CodeblockRun(module, limits, input.fetch);
    result = await run.execute(input.code, variablesJson);
  } catch (error) {
    // QuickJS itself failed (V8's stack overflowed inside it, say): the instance is left
    // as it is, unused; late fetch answers are dropped.
    stats.faults += 1;
    run?.abandon();
    const message =
      error instanceof RangeError
        ? 'The code nested too deeply: the stack overflowed'
        : `The sandbox failed: ${messageOf(error)}`;
    return failure('error', message, run?.logs ?? []);
  }
  if (run.dispose()) stats.disposed += 1;
  else stats.unclean += 1;
  return result;
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
