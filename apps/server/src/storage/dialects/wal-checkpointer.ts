import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';

export interface CheckpointerOptions {
  /** How often the background connection checkpoints. */
  readonly intervalMs: number;
  /** WAL frames (pages) past which the writer restarts the WAL from its beginning. */
  readonly restartFrames: number;
}

/** 32 MB of WAL at SQLite's 4 KB pages before it is rewound; a checkpoint every 50 ms. */
export const DEFAULT_CHECKPOINTER_OPTIONS: CheckpointerOptions = {
  intervalMs: 50,
  restartFrames: 8192,
};

/** SQLite's own default, restored when the background thread is gone. */
const INLINE_AUTOCHECKPOINT_FRAMES = 1000;

/**
 * The background thread: a second connection to the same file that copies WAL frames into
 * the database (PASSIVE: it never waits for, nor blocks, the writer or the readers) and says
 * when the WAL has grown long enough to be rewound. Plain JavaScript, evaluated by the
 * worker, so it needs no loader; it loads better-sqlite3 from the path the parent resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverModule);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result.log >= workerData.restartFrames) {
      parentPort.postMessage({ type: 'restart', frames: result.log });
    }
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage({ type: 'ready' });
`;

const workerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('restart'), frames: z.number() }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);

/** What `pragma wal_checkpoint` answers: whether it was blocked, WAL frames, frames copied. */
const checkpointResult = z.array(
  z.object({ busy: z.number(), log: z.number(), checkpointed: z.number() }),
);

/**
 * Checkpoints the WAL from a background thread, so the event loop never does.
 *
 * With SQLite's automatic checkpoints, the commit that takes the WAL past 1,000 pages copies
 * them into the database and syncs both files — about 5 ms of the event loop on this kind
 * of disk, dozens of times a second under load, and every webhook acknowledgement queued
 * behind it waits too. Here the writer's connection never checkpoints on its own
 * (`wal_autocheckpoint = 0`); a worker thread with its own connection runs PASSIVE
 * checkpoints. Readers search only the WAL frames not yet copied, so they stay fast.
 *
 * The WAL file is rewound (written again from its start) only when a write transaction
 * begins with every frame copied, which a busy writer never lets the background thread
 * achieve. So when the WAL passes `restartFrames`, the thread asks, and the writer runs a
 * PASSIVE checkpoint itself right after a commit (again after the next one, should the thread
 * be checkpointing at that moment): the few frames since the thread's last pass,
 * then the next transaction rewinds the file. Should the thread fail, the writer's automatic
 * checkpoints come back.
 */
export class WalCheckpointer {
  readonly #database: BetterSqlite3.Database;
  readonly #worker: Worker;
  #restartWanted = false;
  #running = true;

  private constructor(database: BetterSqlite3.Database, worker: Worker) {
    this.#database = database;
    this.#worker = worker;
    worker.on('message', (message: unknown) => {
      const parsed = workerMessage.safeParse(message);
      if (!parsed.success) return;
      if (parsed.data.type === 'restart') this.#restartWanted = true;
      if (parsed.data.type === 'failed') this.#fallBackToInline();
    });
    worker.on('error', () => {
      this.#fallBackToInline();
    });
    worker.on('exit', () => {
      this.#fallBackToInline();
    });
    // The thread must not keep a process alive that is otherwise done.
    worker.unref();
  }

  /** Starts the thread for a file database; undefined for an in-memory one (nothing to share). */
  static start(
    database: BetterSqlite3.Database,
    options: CheckpointerOptions = DEFAULT_CHECKPOINTER_OPTIONS,
  ): WalCheckpointer | undefined {
    if (database.memory) return undefined;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driverModule: createRequire(import.meta.url).resolve('better-sqlite3'),
        filename: database.name,
        intervalMs: options.intervalMs,
        restartFrames: options.restartFrames,
      },
    });
    database.pragma('wal_autocheckpoint = 0');
    return new WalCheckpointer(database, worker);
  }

  /** Called by the writer after each commit: rewinds the WAL when the thread asked for it. */
  afterCommit(): void {
    if (!this.#restartWanted) return;
    try {
      const [result] = checkpointResult.parse(this.#database.pragma('wal_checkpoint(PASSIVE)'));
      // Busy: the thread was checkpointing at that moment; try again after the next commit.
      if (result?.busy === 0 && result.checkpointed === result.log) {
        this.#restartWanted = false;
      }
    } catch {
      // The commit stands either way; the next commit tries again.
    }
  }

  async close(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    const exited = once(this.#worker, 'exit');
    this.#worker.postMessage('close');
    await exited;
  }

  #fallBackToInline(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#restartWanted = false;
    if (this.#database.open) {
      this.#database.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_FRAMES}`);
    }
  }
}
