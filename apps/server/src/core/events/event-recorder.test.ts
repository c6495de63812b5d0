import { describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../bus/local-bus.js';
import { testLogger } from '../../testing/logger.js';
import { createTestDatabase } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';
import { inTransaction } from '../../storage/transaction.js';
import { EventRecorder } from './event-recorder.js';
import type { ConversationSnapshot } from './snapshots.js';

const conversation: ConversationSnapshot = {
  id: 'c1',
  internalId: 1,
  status: 'open',
  title: null,
  channel: { id: 1, type: 'sms', name: 'SMS', provider: 'sandbox' },
  contact: { id: 1, key: 'k', externalKey: null, name: null, email: null, phone: null },
  assignee: { user: null, team: null, bot: false },
  botId: null,
  slaPolicyId: null,
  variables: {},
  labels: [],
  createdAt: 0,
  closedAt: null,
};

describe('the event recorder', () => {
  it('publishes after commit, in recording order, also for events its listeners record', async () => {
    const database = await createTestDatabase('sqlite');
    const db = database.open();
    try {
      await db.db
        .insertInto('accounts')
        .values({ name: 'A', created_at: 0, updated_at: 0 })
        .execute();
      const bus = new LocalEventBus(testLogger());
      const recorder = new EventRecorder(bus, testLogger());
      const seen: string[] = [];
      bus.subscribe('conversation.status_changed', () => void seen.push('status'));
      bus.subscribe('note.created', () => void seen.push('note'));
      // A listener that reacts to one event by recording another (as a bot replies).
      recorder.onCommitting(async (unit, event) => {
        if (event.type !== 'conversation.status_changed') return;
        await recorder.record(unit, 1, 1, 'note.created', {
          conversation,
          note: { id: 1, body: 'x', userId: null, createdAt: 0 },
        });
      });
      await inTransaction(db.db, async (unit) => {
        await recorder.record(unit, 1, 1, 'conversation.status_changed', {
          conversation,
          previousStatus: 'open',
          by: null,
        });
        expect(seen).toEqual([]);
      });
      await waitFor(() => seen.length === 2, 10_000, 'both events');
      expect(seen).toEqual(['status', 'note']);

      await expect(
        inTransaction(db.db, async (unit) => {
          await recorder.record(unit, 1, 1, 'conversation.status_changed', {
            conversation,
            previousStatus: 'open',
            by: null,
          });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toHaveLength(2);
      const logged = await db.db
        .selectFrom('account_events')
        .select('type')
        .orderBy('id')
        .execute();
      expect(logged.map((row) => row.type)).toEqual([
        'conversation.status_changed',
        'note.created',
      ]);
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
