import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { pageDocument, type PageBody, type PageDocument } from './page-document.js';
import { isFromPageWorker, type FromPageWorker, type PageJob } from './page-worker-messages.js';

/**
 * Extracts, chunks and hashes a crawl's pages on worker threads (pageDocument, the CPU-heavy
 * part of training a page), so that on the main thread the crawler, the database writes and
 * these overlap instead of taking turns. One pool per crawl, closed when it ends.
 *
 * Workers boot in the background (loading the tokenizer takes a while); until one is ready,
 * and if every worker has died, pages are done here on the main thread, with the same
 * function: a small site never waits for a boot, and a broken worker never fails a crawl.
 */

export interface PagePoolOptions {
  /** Worker threads; 0 does every page on the main thread. Default: defaultPagePoolSize(). */
  readonly size?: number;
  /** A page a worker has not finished in this long fails, and the worker is replaced. */
  readonly pageTimeoutMs?: number;
}

/** Far above any real page (a few ms each); only a pathological one comes near it. */
export const PAGE_TIMEOUT_MS = 60_000;

/**
 * Two workers, or one on a single core. Not one per core beyond the main thread's: the main
 * thread waits on the network and the database much of the time, and with two cores two
 * workers kept both busy (about 250 pages/s against 220 with one on the benchmark's site).
 * More only take turns.
 */
export function defaultPagePoolSize(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

interface Job {
  readonly message: PageJob;
  readonly resolve: (result: PageDocument) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** The running job's time limit. */
  timer: NodeJS.Timeout | undefined;
  /** Terminated by the pool: its exit is expected. */
  retired: boolean;
}

/**
 * How a worker loads the module, as in sandbox/codeblock-worker-script.ts: a worker thread
 * does not inherit tsx's loader hooks (npm start, vitest), so when this file is TypeScript
 * source the worker registers tsx itself before importing; compiled, it imports the .js.
 */
const WORKER_BOOTSTRAP = `
import('node:worker_threads')
  .then(async ({ workerData }) => {
    if (workerData.tsx !== undefined) (await import(workerData.tsx)).register();
    (await import(workerData.entry)).serve();
  })
  .catch((error) => {
    process.nextTick(() => {
      throw error;
    });
  });
`;

const SOURCE = new URL(import.meta.url).pathname.endsWith('.ts');
const WORKER_MODULE = new URL(SOURCE ? './page-worker.ts' : './page-worker.js', import.meta.url);

export class PagePool {
  readonly #size: number;
  readonly #pageTimeoutMs: number;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  /** prestart() callers waiting for a worker to be ready (or for all to have died). */
  #waiting: ((ready: boolean) => void)[] = [];
  #nextId = 0;
  #started = false;
  #closed = false;

  constructor(options: PagePoolOptions = {}) {
    this.#size = Math.max(0, Math.floor(options.size ?? defaultPagePoolSize()));
    this.#pageTimeoutMs = options.pageTimeoutMs ?? PAGE_TIMEOUT_MS;
  }

  /** Worker threads the pool runs (when it has started them). */
  get size(): number {
    return this.#size;
  }

  /** pageDocument() for one page, on a worker when one is ready. */
  document(page: PageBody, url: string): Promise<PageDocument> {
    if (this.#closed) return Promise.reject(new Error('the page pool is closed'));
    this.#start();
    if (!this.#anyReady()) return pageDocument(page, url);
    return new Promise((resolve, reject) => {
      // Only what the worker needs crosses over (a crawled page carries more).
      const { finalUrl, contentType, body } = page;
      const message: PageJob = { id: this.#nextId++, page: { finalUrl, contentType, body }, url };
      this.#queue.push({ message, resolve, reject });
      this.#dispatch();
    });
  }

  /** Starts the workers now; true once one is ready, false if none could start. */
  prestart(): Promise<boolean> {
    this.#start();
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#notify();
    });
  }

  /** Stops every worker; pages not yet done are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = new Error('the page pool is closed');
    for (const job of this.#queue.splice(0)) job.reject(closed);
    const exits = [...this.#slots].map((slot) => {
      slot.retired = true;
      clearTimeout(slot.timer);
      slot.job?.reject(closed);
      return slot.worker.terminate();
    });
    this.#slots.clear();
    this.#notify();
    await Promise.allSettled(exits);
  }

  #start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    for (let i = 0; i < this.#size; i++) this.#spawn();
  }

  #anyReady(): boolean {
    for (const slot of this.#slots) if (slot.ready) return true;
    return false;
  }

  #notify(): void {
    const ready = this.#anyReady();
    if (!ready && this.#slots.size > 0) return;
    for (const resolve of this.#waiting.splice(0)) resolve(ready);
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.job !== undefined) continue;
      const job = this.#queue.shift();
      if (job === undefined) return;
      slot.job = job;
      slot.timer = setTimeout(() => {
        this.#timedOut(slot);
      }, this.#pageTimeoutMs);
      // A busy worker keeps the process alive, as the page's promise is awaited.
      slot.worker.ref();
      slot.worker.postMessage(job.message);
    }
    // Every worker died (or none is ready any more): the main thread does the rest.
    if (!this.#anyReady()) for (const job of this.#queue.splice(0)) this.#here(job);
  }

  #spawn(): void {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: bootstrapData() });
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined, retired: false };
    worker.on('message', (message: unknown) => {
      if (isFromPageWorker(message)) this.#receive(slot, message);
    });
    // An 'error' is followed by 'exit', where the worker's page is taken care of.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      this.#exited(slot);
    });
    // Referenced while it boots (prestart() may be what the process waits for) and while it
    // has a page; idle, it never keeps the process alive.
    this.#slots.add(slot);
  }

  #receive(slot: Slot, message: FromPageWorker): void {
    if (message.type === 'ready') {
      slot.ready = true;
      slot.worker.unref();
      this.#notify();
      this.#dispatch();
      return;
    }
    const job = slot.job;
    if (job?.message.id !== message.id) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    if (message.type === 'done') job.resolve(message.result);
    else job.reject(new Error(message.message));
    this.#dispatch();
  }

  /**
   * A page that outlived its time limit fails with that reason (a crawl must end, not hang on
   * one page); its worker, still busy with it, is stopped and replaced.
   */
  #timedOut(slot: Slot): void {
    const job = slot.job;
    if (job === undefined || slot.retired) return;
    slot.retired = true;
    slot.job = undefined;
    this.#slots.delete(slot);
    void slot.worker.terminate();
    const limit = this.#pageTimeoutMs;
    const shown = limit < 1_000 ? `${String(limit)} ms` : `${String(Math.round(limit / 1_000))} s`;
    job.resolve({ failure: `reading the page took longer than ${shown}` });
    if (!this.#closed) this.#spawn();
    this.#dispatch();
  }

  /** A worker the pool did not stop: its page is done here, and it is not replaced. */
  #exited(slot: Slot): void {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.timer);
    this.#slots.delete(slot);
    if (slot.job !== undefined) this.#here(slot.job);
    this.#notify();
    this.#dispatch();
  }

  #here(job: Job): void {
    pageDocument(job.message.page, job.message.url).then(job.resolve, job.reject);
  }
}

function bootstrapData(): { entry: string; tsx?: string } {
  if (!SOURCE) return { entry: WORKER_MODULE.href };
  // tsx is a dependency of the server; resolved from here, wherever the process started.
  return { entry: WORKER_MODULE.href, tsx: import.meta.resolve('tsx/esm/api') };
}
