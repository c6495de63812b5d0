import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import type { SandboxModule } from './quickjs-module.js';
import { FetchBridge } from './sandbox-fetch-bridge.js';
import {
  INTERRUPTED,
  OUT_OF_MEMORY,
  PRELUDE,
  THROWN_NULL,
  UNDESCRIBABLE,
} from './sandbox-prelude.js';
import type {
  CodeblockErrorCode,
  CodeblockLimits,
  CodeblockResult,
  SandboxFetch,
} from './sandbox-types.js';

/**
 * QuickJS's own stack check. It measures the C stack inside WebAssembly, while V8 runs out
 * of its native stack first for deep recursion through C (nested JSON or source): larger
 * values let more cases overflow V8 (a fault: the run fails, its module is dropped) instead of
 * throwing a clean "stack overflow"; 128 KiB still allows about 700 nested calls.
 */
const MAX_STACK_BYTES = 128 * 1024;
const MAX_LOG_LINES = 100;
const MAX_LOG_CHARS = 2_000;
const MAX_MESSAGE_CHARS = 2_000;
/** What the prelude's finalize wraps the variables' JSON in. */
const OUTPUT_WRAPPER_BYTES = '{"variables":}'.length;

/**
 * One execution in one QuickJS runtime: installs the prelude, runs the code, drives its
 * promise to the end and reads the result back. Every method that touches QuickJS may throw
 * only when QuickJS itself fails; runCodeblock treats that as a fault.
 */
export class CodeblockRun {
  readonly #module: SandboxModule;
  readonly #runtime: QuickJSRuntime;
  readonly #context: QuickJSContext;
  readonly #bridge: FetchBridge;
  readonly #limits: Required<CodeblockLimits>;
  readonly #deadline: number;
  readonly #logs: string[] = [];
  #droppedLogs = 0;
  #interrupted = false;
  #helpers: { finalize: QuickJSHandle; describe: QuickJSHandle } | undefined;

  constructor(module: SandboxModule, limits: Required<CodeblockLimits>, fetch?: SandboxFetch) {
    this.#module = module;
    this.#limits = limits;
    this.#deadline = Date.now() + limits.timeoutMs;
    this.#runtime = module.module.newRuntime();
    this.#runtime.setMaxStackSize(MAX_STACK_BYTES);
    this.#runtime.setInterruptHandler(() => {
      if (Date.now() < this.#deadline) return false;
      this.#interrupted = true;
      return true;
    });
    this.#context = this.#runtime.newContext();
    // After the context: its intrinsics count, but a tiny limit fails in JS, not in setup.
    this.#runtime.setMemoryLimit(limits.memoryBytes);
    this.#bridge = new FetchBridge(this.#context, fetch);
  }

  get logs(): string[] {
    const dropped = this.#droppedLogs;
    return dropped === 0 ? [...this.#logs] : [...this.#logs, `… ${dropped} more log lines dropped`];
  }

  async execute(code: string, variablesJson: string): Promise<CodeblockResult> {
    const failed = this.#install(variablesJson);
    if (failed !== undefined) return failed;
    // An async function body, so `return` and `await` work at the top level of the code.
    const source = `(async function codeblock() {\n${code}\n})`;
    const compiled = this.#context.evalCode(source, 'codeblock.js', { type: 'global' });
    if (compiled.error !== undefined) return this.#thrown(compiled.error);
    const started = this.#context.callFunction(compiled.value, this.#context.undefined);
    compiled.value.dispose();
    if (started.error !== undefined) return this.#thrown(started.error);
    try {
      return await this.#settle(started.value);
    } finally {
      started.value.dispose();
    }
  }

  /** Frees every handle, then the runtime; false when QuickJS aborted freeing it. */
  dispose(): boolean {
    try {
      this.#helpers?.finalize.dispose();
      this.#helpers?.describe.dispose();
      this.#bridge.close();
      this.#context.dispose();
      this.#runtime.dispose();
      return true;
    } catch {
      return false;
    }
  }

  abandon(): void {
    this.#bridge.abandon();
  }

  #install(variablesJson: string): CodeblockResult | undefined {
    const context = this.#context;
    const prelude = context.evalCode(PRELUDE, 'prelude.js', { type: 'global' });
    if (prelude.error !== undefined) return this.#thrown(prelude.error);
    const args = [
      context.newFunction('hostLog', (...handles) => {
        this.#log(handles.map((handle) => context.getString(handle)));
      }),
      this.#bridge.newHostFunction(),
      context.newString(variablesJson),
      context.newNumber(MAX_LOG_CHARS),
      context.newNumber(this.#limits.maxOutputBytes),
    ];
    const installed = context.callFunction(prelude.value, context.undefined, args);
    prelude.value.dispose();
    for (const handle of args) handle.dispose();
    if (installed.error !== undefined) return this.#thrown(installed.error);
    this.#helpers = {
      finalize: context.getProp(installed.value, 'finalize'),
      describe: context.getProp(installed.value, 'describe'),
    };
    installed.value.dispose();
    return undefined;
  }

  /** Drains QuickJS's job queue and waits for fetches until the code's promise settles. */
  async #settle(promise: QuickJSHandle): Promise<CodeblockResult> {
    for (;;) {
      const jobs = this.#runtime.executePendingJobs();
      if (jobs.error !== undefined) return this.#thrown(jobs.error);
      const state = this.#context.getPromiseState(promise);
      if (state.type === 'rejected') return this.#thrown(state.error);
      if (state.type === 'fulfilled') {
        try {
          // A job the code left running (a detached endless loop) was cut off at the deadline.
          return this.#interrupted ? this.#timeout() : this.#finish(state.value);
        } finally {
          if (state.notAPromise !== true) state.value.dispose();
        }
      }
      const remaining = this.#deadline - Date.now();
      if (remaining <= 0) return this.#timeout();
      if (this.#runtime.hasPendingJob()) continue;
      if (!this.#bridge.pending)
        return this.#failure('error', 'The code awaits a promise that never settles');
      if (!(await this.#bridge.waitForSettlement(remaining))) return this.#timeout();
    }
  }

  #finish(returned: QuickJSHandle): CodeblockResult {
    const finalize = this.#helpers?.finalize;
    if (finalize === undefined) throw new Error('the prelude is not installed');
    const output = this.#context.callFunction(finalize, this.#context.undefined, returned);
    if (output.error !== undefined) return this.#thrown(output.error);
    const text = this.#stringOf(output.value);
    output.value.dispose();
    if (text === undefined) throw new Error('finalize returned no string');
    const bytes = Buffer.byteLength(text) - OUTPUT_WRAPPER_BYTES;
    if (bytes > this.#limits.maxOutputBytes)
      return this.#failure(
        'invalid_output',
        `The variables take ${bytes} bytes as JSON, more than the ${this.#limits.maxOutputBytes} allowed`,
      );
    const parsed: unknown = JSON.parse(text, withoutProtoKeys);
    if (isRecord(parsed) && typeof parsed.invalid === 'string')
      return this.#failure('invalid_output', `Invalid output: ${parsed.invalid}`);
    if (!isRecord(parsed) || !isRecord(parsed.variables))
      throw new Error('finalize returned no variables');
    return { ok: true, variables: parsed.variables, logs: this.logs };
  }

  /** Classifies what the code threw, or what stopped it, and disposes the handle. */
  #thrown(error: QuickJSHandle): CodeblockResult {
    try {
      if (this.#interrupted || Date.now() >= this.#deadline) return this.#timeout();
      const message = this.#describe(error);
      if (message === INTERRUPTED) return this.#timeout();
      const opaque = message === THROWN_NULL || message === UNDESCRIBABLE;
      if (message === OUT_OF_MEMORY || (opaque && this.#heapExhausted()))
        return this.#failure(
          'memory',
          `The code used more than the ${mebibytes(this.#limits.memoryBytes)} of memory allowed`,
        );
      return this.#failure('error', message);
    } finally {
      error.dispose();
    }
  }

  #describe(error: QuickJSHandle): string {
    const describe = this.#helpers?.describe;
    if (describe !== undefined) {
      const described = this.#context.callFunction(describe, this.#context.undefined, error);
      if (described.error !== undefined) {
        described.error.dispose();
        // describe catches everything: only the interrupt or a full heap gets through.
        return this.#interrupted ? INTERRUPTED : OUT_OF_MEMORY;
      }
      const text = this.#stringOf(described.value);
      described.value.dispose();
      if (text !== undefined) return text;
    }
    // Before the prelude is installed no user code has run: dump runs none either.
    const dumped: unknown = this.#context.dump(error);
    if (isRecord(dumped) && typeof dumped.name === 'string' && typeof dumped.message === 'string')
      return `${dumped.name}: ${dumped.message}`;
    return `Uncaught ${JSON.stringify(dumped)}`;
  }

  /**
   * Emscripten grows memory by steps that stop short of the ceiling once the next step no
   * longer fits, so "exhausted" is within 5 % of it.
   */
  #heapExhausted(): boolean {
    const { memory, ceilingBytes } = this.#module;
    return memory.buffer.byteLength >= ceilingBytes * 0.95;
  }

  #stringOf(handle: QuickJSHandle): string | undefined {
    return this.#context.typeof(handle) === 'string' ? this.#context.getString(handle) : undefined;
  }

  #log([level, text]: string[]): void {
    if (level === undefined || text === undefined) return;
    if (this.#logs.length >= MAX_LOG_LINES) {
      this.#droppedLogs += 1;
      return;
    }
    const line = text.length > MAX_LOG_CHARS ? `${text.slice(0, MAX_LOG_CHARS)}…` : text;
    this.#logs.push(level === 'log' ? line : `[${level}] ${line}`);
  }

  #timeout(): CodeblockResult {
    return timeoutFailure(this.#limits.timeoutMs, this.logs);
  }

  #failure(code: CodeblockErrorCode, message: string): CodeblockResult {
    return failure(code, message, this.logs);
  }
}

export function failure(
  code: CodeblockErrorCode,
  message: string,
  logs: string[],
): CodeblockResult {
  const short =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  return { ok: false, error: { code, message: short }, logs };
}

export function timeoutFailure(timeoutMs: number, logs: string[]): CodeblockResult {
  return failure(
    'timeout',
    `The code ran longer than the ${timeoutMs} ms allowed and was stopped`,
    logs,
  );
}

/**
 * Drops "__proto__" keys: JSON.parse keeps them as plain data, but a caller that merges
 * the variables into another object with Object.assign would set that object's prototype.
 */
function withoutProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}
