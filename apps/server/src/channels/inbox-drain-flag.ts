import type { Db } from '../storage/database.js';
import { PreparedQuery } from '../storage/prepared-query.js';

/**
 * One drain job waiting per channel, on SQLite. An acknowledgement marks the channel's drain
 * as scheduled and enqueues a job only if it was not already; the job clears the mark before
 * it reads the inbox, so a webhook stored after that schedules the next job. Under load one
 * job then applies every webhook that arrived while it waited, instead of a job each (each
 * a claim and a finish, two commits).
 *
 * SQLite runs one write transaction at a time, so a webhook is either stored before the job
 * clears the mark (and the job reads it) or sees the mark cleared (and schedules a job). On
 * PostgreSQL both would need a lock that every acknowledgement of the channel waits on; there
 * every webhook keeps its own job.
 */
const markScheduled = new PreparedQuery<{ channelId: number }, { channel_id: number }>(
  (db, param) =>
    db
      .insertInto('channel_inbox_drains')
      .values({ channel_id: param('channelId'), scheduled: 1 })
      .onConflict((conflict) =>
        conflict
          .column('channel_id')
          .doUpdateSet({ scheduled: 1 })
          .where('channel_inbox_drains.scheduled', '=', 0),
      )
      .returning('channel_id'),
);

const clearScheduled = new PreparedQuery<{ channelId: number }, never>((db, param) =>
  db
    .updateTable('channel_inbox_drains')
    .set({ scheduled: 0 })
    .where('channel_id', '=', param('channelId')),
);

/** Marks the channel's drain as scheduled; false when it already was (no job needed). */
export async function scheduleDrain(db: Db, channelId: number): Promise<boolean> {
  return (await markScheduled.takeFirst(db, { channelId })) !== undefined;
}

/** A drain job starts: webhooks stored from now on need a job of their own. */
export async function drainStarted(db: Db, channelId: number): Promise<void> {
  await clearScheduled.execute(db, { channelId });
}
