import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  answerFetch,
  isFromWorker,
  type FromWorker,
  type ToWorker,
} from './codeblock-pool-messages.js';
import { counts, liveCounters } from './codeblock-pool-stats.js';
import { failure, timeoutFailure } from './codeblock-run.js';
import { CODEBLOCK_WORKER_MODULE, startCodeblockWorker } from './codeblock-worker-script.js';
import type {
  CodeblockLimits,
  CodeblockResult,
  SandboxFetch,
  SandboxFetchRequest,
} from './sandbox-types.js';

export interface CodeblockPoolOptions {
  /** Worker threads. Default: one per spare core, at most 2, at least 1. */
  readonly size?: number;
  /** How long past a run's deadline a silent worker is given before it is terminated. */
  readonly graceMs?: number;
  /** The module each worker loads and calls serve() from; tests pass a fixture. */
  readonly workerModule?: URL;
}

export interface PoolRun {
  readonly code: string;
  readonly variablesJson: string;
  readonly limits: Required<CodeblockLimits>;
  readonly fetch?: SandboxFetch | undefined;
}

export const DEFAULT_GRACE_MS = 250;
/**
 * From handing a job over to the worker reporting the run started: booting a worker (tsx
 * compiles its modules on the first one) and instantiating QuickJS. Generous, as it only
 * catches a worker that is wedged before the code's own clock has started.
 */
const SETUP_TIMEOUT_MS = 30_000;

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

interface Job {
  readonly id: number;
  readonly run: PoolRun;
  readonly resolve: (result: CodeblockResult) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  /** The worker's live QuickJS instances, written by the worker (shared memory). */
  readonly live: Int32Array;
  ready: boolean;
  job?: Job | undefined;
  started: boolean;
  timer?: NodeJS.Timeout | undefined;
  /** Terminated or being terminated by the pool: its exit is expected. */
  retired: boolean;
  error?: Error | undefined;
}

/**
 * Runs codeblocks on worker threads, one run per worker at a time, so user code never holds
 * the main event loop. Workers start on demand, are reused, and are unref'd while idle so
 * they never keep the process alive. The main thread also enforces each run's deadline: a
 * worker that has not answered by deadline + grace is terminated and replaced.
 */
export class CodeblockPool {
  readonly #workerModule: URL;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  /** Worker terminations under way; close() waits for them. */
  readonly #terminations = new Set<Promise<number>>();
  #size: number;
  #graceMs: number;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  #nextId = 0;

  constructor(options: CodeblockPoolOptions = {}) {
    this.#workerModule = options.workerModule ?? CODEBLOCK_WORKER_MODULE;
    this.#size = checkedSize(options.size ?? defaultPoolSize());
    this.#graceMs = checkedGrace(options.graceMs ?? DEFAULT_GRACE_MS);
  }

  /** Resolves with the run's result; rejects only when the sandbox cannot be loaded. */
  run(run: PoolRun): Promise<CodeblockResult> {
    if (this.#closing !== undefined)
      return Promise.reject(new Error('the codeblock pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, run, resolve, reject });
      this.#dispatch();
    });
  }

  /** Starts the workers now, so that the first runs do not wait for one to boot. */
  prestart(): void {
    while (this.#closing === undefined && this.#slots.size < this.#size) this.#spawn();
  }

  /** Applies to the next runs; surplus workers leave once idle. */
  configure(options: Omit<CodeblockPoolOptions, 'workerModule'>): void {
    if (options.size !== undefined) this.#size = checkedSize(options.size);
    if (options.graceMs !== undefined) this.#graceMs = checkedGrace(options.graceMs);
    this.#settle();
  }

  /**
   * Takes no more runs, lets the accepted ones finish (each is bounded by its deadline and
   * the grace), terminates every worker as it becomes idle, and resolves once all are gone.
   * Several runtimes can share the process's pool: closing must not fail another's runs.
   */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      this.#drained = resolve;
    });
    this.#settle();
    return this.#closing;
  }

  /** After any change: hand out queued runs, then retire the workers no longer wanted. */
  #settle(): void {
    this.#dispatch();
    const closing = this.#closing !== undefined;
    for (const slot of this.#slots)
      if (slot.job === undefined && (closing || this.#slots.size > this.#size))
        this.#terminate(slot);
    const drained = this.#drained;
    if (drained === undefined || this.#slots.size > 0 || this.#queue.length > 0) return;
    void Promise.allSettled([...this.#terminations]).then(drained);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#idleSlot() ?? (this.#slots.size < this.#size ? this.#spawn() : undefined);
      const job = slot === undefined ? undefined : this.#queue.shift();
      if (slot === undefined || job === undefined) return;
      slot.job = job;
      slot.started = false;
      slot.worker.ref();
      const { code, variablesJson, limits, fetch } = job.run;
      this.#send(slot, {
        type: 'run',
        id: job.id,
        code,
        variablesJson,
        limits,
        fetch: fetch !== undefined,
      });
      this.#arm(slot, SETUP_TIMEOUT_MS);
    }
  }

  #idleSlot(): Slot | undefined {
    for (const slot of this.#slots) if (slot.job === undefined) return slot;
    return undefined;
  }

  #spawn(): Slot {
    const live = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = startCodeblockWorker(this.#workerModule, live);
    const slot: Slot = { worker, live, ready: false, started: false, retired: false };
    worker.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.#receive(slot, message);
    });
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (exitCode) => {
      this.#exited(slot, exitCode);
    });
    worker.unref();
    this.#slots.add(slot);
    liveCounters.add(live);
    return slot;
  }

  #receive(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') {
      slot.ready = true;
      return;
    }
    const job = slot.job;
    if (job?.id !== message.id) return;
    switch (message.type) {
      case 'started':
        counts.started += 1;
        slot.started = true;
        this.#arm(slot, job.run.limits.timeoutMs + this.#graceMs);
        return;
      case 'fetch':
        void this.#fetch(slot, job, message.fetchId, message.request);
        return;
      case 'done':
        counts[message.outcome === 'fault' ? 'faults' : message.outcome] += 1;
        this.#release(slot);
        job.resolve(message.result);
        return;
      case 'failed':
        this.#release(slot);
        job.reject(new Error(message.message));
        return;
    }
  }

  /** Carries out a request of the run with the host's fetch, here on the main thread. */
  async #fetch(slot: Slot, job: Job, fetchId: number, request: SandboxFetchRequest): Promise<void> {
    const answer = await answerFetch(job.run.fetch, fetchId, request);
    // The run may have ended (a timeout) or its worker died meanwhile: nobody to tell.
    if (slot.job === job && !slot.retired) this.#send(slot, answer);
  }

  /** The worker missed its deadline (or never started the run): it is stopped, not awaited. */
  #overdue(slot: Slot): void {
    const job = this.#terminate(slot);
    if (job === undefined) return;
    if (slot.started) {
      counts.faults += 1;
      job.resolve(timeoutFailure(job.run.limits.timeoutMs, []));
    } else
      job.reject(new Error(`The codeblock sandbox did not start within ${SETUP_TIMEOUT_MS} ms`));
    this.#replace(slot);
  }

  /** A worker the pool did not stop: it crashed, or failed to load its module. */
  #exited(slot: Slot, exitCode: number): void {
    if (slot.retired) return;
    const job = this.#retire(slot);
    if (job !== undefined) {
      const reason = slot.error === undefined ? `exit code ${exitCode}` : slot.error.message;
      if (!slot.ready)
        job.reject(new Error(`The codeblock sandbox worker failed to start: ${reason}`));
      else {
        if (slot.started) counts.faults += 1;
        job.resolve(failure('error', `The sandbox crashed while running the code (${reason})`, []));
      }
    }
    this.#replace(slot);
  }

  /**
   * A worker that had booted is replaced at once, so the next run does not wait for a boot;
   * one that never booted is not (its module is broken: that would loop), only on demand.
   */
  #replace(dead: Slot): void {
    if (dead.ready && this.#closing === undefined && this.#slots.size < this.#size) this.#spawn();
    this.#settle();
  }

  #release(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    this.#settle();
  }

  #arm(slot: Slot, ms: number): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      this.#overdue(slot);
    }, ms);
    // The busy worker keeps the process alive; the watchdog need not.
    slot.timer.unref();
  }

  #terminate(slot: Slot): Job | undefined {
    const job = this.#retire(slot);
    const terminated = slot.worker.terminate();
    const forget = () => this.#terminations.delete(terminated);
    this.#terminations.add(terminated);
    terminated.then(forget, forget);
    return job;
  }

  /** Takes the slot out of the pool; returns the job it was running, now the caller's. */
  #retire(slot: Slot): Job | undefined {
    slot.retired = true;
    clearTimeout(slot.timer);
    this.#slots.delete(slot);
    liveCounters.delete(slot.live);
    const job = slot.job;
    slot.job = undefined;
    return job;
  }

  #send(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }
}

function checkedSize(size: number): number {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`the codeblock pool size must be a positive integer, not ${size}`);
  return size;
}

function checkedGrace(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`the codeblock pool grace must be a non-negative number, not ${ms}`);
  return ms;
}
