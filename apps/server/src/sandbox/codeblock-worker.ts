import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  isToWorker,
  type FromWorker,
  type RunJob,
  type RunOutcome,
} from './codeblock-pool-messages.js';
import { CodeblockRun, failure, isRecord, messageOf } from './codeblock-run.js';
import { liveSandboxInstances, mirrorLiveInstances, newSandboxModule } from './quickjs-module.js';
import type { CodeblockResult, SandboxFetch, SandboxFetchResponse } from './sandbox-types.js';

/**
 * The worker-thread side of the codeblock pool. The pool's bootstrap imports this module and
 * calls serve(); it runs one job at a time, each in a fresh QuickJS instance as before, so
 * a runaway computation holds this thread instead of the server's event loop.
 */

export interface WorkerHooks {
  /** Called right after a run is reported started: tests simulate hangs and crashes here. */
  readonly onStarted?: (code: string) => void;
}

/**
 * Every run leaves a whole WebAssembly memory (16 MiB up to memoryBytes + 6 MiB) behind, and
 * V8 collects it only when it sees fit. A full collection costs 10-20 ms, more than a run, so
 * the worker collects once this many instances are waiting, and when it has been idle a
 * while: a worker holds at most this many instances, and lets go of them when idle.
 */
const COLLECT_AT_INSTANCES = 4;
const IDLE_COLLECT_MS = 1_000;

interface PendingFetch {
  resolve(response: SandboxFetchResponse): void;
  reject(error: Error): void;
}

export function serve(hooks: WorkerHooks = {}): void {
  const port = parentPort;
  if (port === null) throw new Error('the codeblock worker must run on a worker thread');
  if (isRecord(workerData) && workerData.live instanceof Int32Array)
    mirrorLiveInstances(workerData.live);
  const worker = new CodeblockWorker(port, hooks);
  port.on('message', (message: unknown) => {
    worker.receive(message);
  });
  worker.post({ type: 'ready' });
}

class CodeblockWorker {
  readonly #port: MessagePort;
  readonly #hooks: WorkerHooks;
  /** Requests waiting for the main thread's answer, by fetch id. */
  readonly #fetches = new Map<number, PendingFetch>();
  readonly #collectGarbage = garbageCollector();
  #nextFetchId = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(port: MessagePort, hooks: WorkerHooks) {
    this.#port = port;
    this.#hooks = hooks;
  }

  post(message: FromWorker): void {
    this.#port.postMessage(message);
  }

  receive(message: unknown): void {
    if (!isToWorker(message)) return;
    if (message.type === 'run') {
      clearTimeout(this.#idleTimer);
      void this.#serve(message);
      return;
    }
    const pending = this.#fetches.get(message.fetchId);
    if (pending === undefined) return;
    this.#fetches.delete(message.fetchId);
    if (message.ok) pending.resolve(message.response);
    else pending.reject(new Error(message.message));
  }

  async #serve(job: RunJob): Promise<void> {
    const fetchIds = new Set<number>();
    const fetch = job.fetch ? this.#remoteFetch(job.id, fetchIds) : undefined;
    try {
      const { result, outcome } = await this.#execute(job, fetch);
      this.post({ type: 'done', id: job.id, result, outcome });
    } catch (error) {
      this.post({ type: 'failed', id: job.id, message: messageOf(error) });
    }
    // The run's bridge is closed and ignores these; settling them lets go of the closures
    // that still reference the run's instance.
    for (const fetchId of fetchIds) {
      this.#fetches.get(fetchId)?.reject(new Error('the run is over'));
      this.#fetches.delete(fetchId);
    }
    if (liveSandboxInstances() >= COLLECT_AT_INSTANCES) await this.#collectGarbage();
    else
      this.#idleTimer = setTimeout(() => {
        void this.#collectGarbage();
      }, IDLE_COLLECT_MS);
  }

  /**
   * The run's SandboxFetch: the request goes to the main thread, which carries it out with
   * the host's fetch (the SSRF-guarded client lives there) and posts the answer back.
   */
  #remoteFetch(id: number, fetchIds: Set<number>): SandboxFetch {
    return (request) =>
      new Promise((resolve, reject) => {
        const fetchId = this.#nextFetchId++;
        fetchIds.add(fetchId);
        this.#fetches.set(fetchId, { resolve, reject });
        this.post({ type: 'fetch', id, fetchId, request });
      });
  }

  /** What runCodeblock did on the main thread before the pool, validation aside. */
  async #execute(
    job: RunJob,
    fetch: SandboxFetch | undefined,
  ): Promise<{ result: CodeblockResult; outcome: RunOutcome }> {
    const module = await newSandboxModule(job.limits.memoryBytes);
    this.post({ type: 'started', id: job.id });
    this.#hooks.onStarted?.(job.code);
    let run: CodeblockRun | undefined;
    let result: CodeblockResult;
    try {
      run = new CodeblockRun(module, job.limits, fetch);
      result = await run.execute(job.code, job.variablesJson);
    } catch (error) {
      // QuickJS itself failed (V8's stack overflowed inside it, say): the instance is left
      // as it is, unused; late fetch answers are dropped.
      run?.abandon();
      const message =
        error instanceof RangeError
          ? 'The code nested too deeply: the stack overflowed'
          : `The sandbox failed: ${messageOf(error)}`;
      return { result: failure('error', message, run?.logs ?? []), outcome: 'fault' };
    }
    return { result, outcome: run.dispose() ? 'disposed' : 'unclean' };
  }
}

function isCallable(value: unknown): value is () => void {
  return typeof value === 'function';
}

/**
 * V8's gc(), for the collections above. --expose-gc is not allowed in a worker's execArgv,
 * so the flag is switched on just long enough to get gc() from a new context.
 */
function garbageCollector(): () => Promise<void> {
  let gc: unknown;
  setFlagsFromString('--expose-gc');
  try {
    gc = runInNewContext('gc');
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return async () => {
    if (!isCallable(gc)) return;
    gc();
    // FinalizationRegistry callbacks (the live instance count) run in a task of their own.
    await new Promise((resolve) => setImmediate(resolve));
  };
}
