import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../storage/database.js';
import type { DialectName } from '../storage/dialects/dialect.js';
import type { OutboxRow } from '../storage/schema.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** What a BullMQ job carries: the payload as enqueued and the account it belongs to. */
export interface BullJobData {
  readonly payload: unknown;
  readonly accountId: number | null;
}

export type BullQueue = Queue<BullJobData>;

export interface OutboxRelayOptions {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly queue: BullQueue;
  readonly logger: Logger;
  /** How often to look for rows nobody kicked us about (other processes, crashes). */
  readonly pollMs: number;
}

export const RELAY_BATCH_SIZE = 100;
/** Completed jobs (and so their idempotency ids) are kept a day, then BullMQ drops them. */
const COMPLETED_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * The BullMQ job id of an outbox row. It is derived from the row alone, so a relay that
 * added a batch and died before its delete committed re-adds the same ids, and BullMQ
 * ignores an add whose id already exists. With an idempotency key the id is the key's
 * hash, which makes duplicate enqueues collapse the same way. The row's creation time
 * rides along with its id so that a database reset (ids restarting at 1) against a
 * Redis that still holds old jobs does not silently drop new jobs as "duplicates".
 * Ids are never plain integers and never contain ':' (BullMQ reserves both).
 */
export function outboxJobId(row: Pick<OutboxRow, 'id' | 'created_at' | 'idempotency_key'>): string {
  if (row.idempotency_key !== null) {
    return `idem-${createHash('sha256').update(row.idempotency_key).digest('hex')}`;
  }
  return `outbox-${row.id}-${row.created_at}`;
}

/**
 * Moves committed outbox rows to BullMQ: the second half of the transactional outbox.
 * Enqueueing only ever writes a row in the caller's transaction, so a rolled-back
 * transaction leaves nothing behind; this loop publishes what did commit, at least once.
 */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  readonly #pause = new WakeableSleep();
  /** Set by a kick that arrives mid-batch, so the loop looks again instead of sleeping. */
  #kicked = false;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#relayLoop();
  }

  /** Asks for a pass now (a unit of work that wrote outbox rows has committed). */
  kick(): void {
    this.#kicked = true;
    this.#pause.wake();
  }

  /** Stops the loop after the batch in flight (which commits or rolls back whole). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#pause.wake();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Relays one batch; returns how many rows it moved. */
  async relayBatch(): Promise<number> {
    const { db, dialect, queue } = this.#options;
    // Idle polls stay read-only: on SQLite a DELETE takes the write lock even when it
    // matches nothing, and other processes would queue behind an empty outbox.
    const any = await db.selectFrom('outbox').select('id').limit(1).executeTakeFirst();
    if (any === undefined) return 0;
    return db.transaction().execute(async (trx) => {
      const batch = trx
        .selectFrom('outbox')
        .select('id')
        .orderBy('id')
        .limit(RELAY_BATCH_SIZE)
        .$if(dialect === 'postgres', (query) => query.forUpdate().skipLocked());
      // Delete first, publish second, commit last: the delete claims the rows (row locks
      // on PostgreSQL, so two relays never take the same row; the write lock at once on
      // SQLite, instead of a read-to-write upgrade that fails when another relay wins).
      // If the add fails the transaction rolls back and the rows are still there.
      const rows = await trx.deleteFrom('outbox').where('id', 'in', batch).returningAll().execute();
      if (rows.length === 0) return 0;
      rows.sort((a, b) => a.id - b.id);
      const now = Date.now();
      await queue.addBulk(
        rows.map((row) => {
          const payload: unknown = JSON.parse(row.payload);
          return {
            name: row.name,
            data: { payload, accountId: row.account_id },
            opts: {
              jobId: outboxJobId(row),
              delay: Math.max(0, row.run_at - now),
              attempts: row.max_attempts,
              backoff: { type: 'exponential', delay: row.backoff_ms },
              removeOnComplete: { age: COMPLETED_RETENTION_SECONDS },
              // Dead jobs stay in the failed set for inspection (and count in depth()).
              removeOnFail: false,
            },
          };
        }),
      );
      return rows.length;
    });
  }

  async #relayLoop(): Promise<void> {
    while (this.#running) {
      this.#takeKick();
      let moved = 0;
      let failed = false;
      try {
        moved = await this.relayBatch();
      } catch (error) {
        failed = true;
        this.#options.logger.error(
          { err: error },
          'outbox relay failed; the rows stay and are retried',
        );
      }
      // A full batch means more may be waiting: go again at once. After a failure always
      // back off, so a Redis outage does not turn every commit into a hot retry.
      if (failed || (moved < RELAY_BATCH_SIZE && !this.#takeKick()))
        await this.#pause.sleep(this.#options.pollMs);
    }
  }

  /** Whether a kick arrived since the last call (a method: kicks land during awaits). */
  #takeKick(): boolean {
    const kicked = this.#kicked;
    this.#kicked = false;
    return kicked;
  }
}
