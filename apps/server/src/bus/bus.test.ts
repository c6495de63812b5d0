import { afterEach, describe, expect, it } from 'vitest';
import { testLogger } from '../testing/logger.js';
import { testRedisUrl, uniqueRedisPrefix } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import type { EventBus, EventEnvelope } from './events.js';
import { LocalEventBus } from './local-bus.js';
import { RedisEventBus } from './redis-bus.js';

describe('LocalEventBus', () => {
  it('delivers typed events to the subscribers of their type only', async () => {
    const bus = new LocalEventBus(testLogger(), 'test-origin');
    const invited: EventEnvelope<'user.invited'>[] = [];
    const removed: EventEnvelope<'user.removed'>[] = [];
    bus.subscribe('user.invited', (event) => {
      invited.push(event);
    });
    bus.subscribe('user.removed', (event) => {
      removed.push(event);
    });
    await bus.publish('user.invited', 3, { userId: 11, email: 'ada@example.com', roleId: 2 });
    await bus.close(); // waits for pending deliveries
    expect(removed).toEqual([]);
    expect(invited).toHaveLength(1);
    expect(invited[0]).toMatchObject({
      type: 'user.invited',
      accountId: 3,
      origin: 'test-origin',
      payload: { userId: 11, email: 'ada@example.com', roleId: 2 },
    });
  });

  it('keeps delivering to the other listeners when one throws', async () => {
    const bus = new LocalEventBus(testLogger());
    const seen: string[] = [];
    bus.subscribe('team.changed', () => {
      throw new Error('broken subscriber');
    });
    bus.subscribe('team.changed', () => Promise.reject(new Error('broken async subscriber')));
    bus.subscribe('team.changed', (event) => {
      seen.push(`team ${event.payload.teamId}`);
    });
    await bus.publish('team.changed', 1, { teamId: 5 });
    await bus.publish('team.changed', 1, { teamId: 6 });
    await bus.close();
    expect(seen).toEqual(['team 5', 'team 6']);
  });

  it('stops delivering to a listener once unsubscribed', async () => {
    const bus = new LocalEventBus(testLogger());
    const seen: number[] = [];
    const unsubscribe = bus.subscribe('user.activated', (event) => {
      seen.push(event.payload.userId);
    });
    await bus.publish('user.activated', 1, { userId: 1 });
    await bus.close();
    unsubscribe();
    await bus.publish('user.activated', 1, { userId: 2 });
    await bus.close();
    expect(seen).toEqual([1]);
  });
});

const redisUrl = testRedisUrl();
/** Redis is optional outside CI: without it this suite has no cases instead of skipped ones. */
const REDIS_URLS: readonly string[] = redisUrl === undefined ? [] : [redisUrl];

describe.each(REDIS_URLS)('RedisEventBus on %s', (url) => {
  const buses: EventBus[] = [];

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  async function openBus(
    prefix: string,
  ): Promise<{ bus: RedisEventBus; received: EventEnvelope<'token.revoked'>[] }> {
    const bus = new RedisEventBus({ url, prefix, logger: testLogger() });
    buses.push(bus);
    const received: EventEnvelope<'token.revoked'>[] = [];
    bus.subscribe('token.revoked', (event) => {
      received.push(event);
    });
    await bus.ready();
    return { bus, received };
  }

  it('delivers an event to every process on the same prefix, the publisher included', async () => {
    const prefix = uniqueRedisPrefix('bus');
    const a = await openBus(prefix);
    const b = await openBus(prefix);
    const other = await openBus(uniqueRedisPrefix('bus'));

    await a.bus.publish('token.revoked', 9, { tokenId: 77 });
    await waitFor(
      () => a.received.length === 1 && b.received.length === 1,
      10_000,
      'both buses to receive',
    );
    expect(b.received[0]).toMatchObject({
      type: 'token.revoked',
      accountId: 9,
      payload: { tokenId: 77 },
    });
    expect(b.received[0]?.id).toBe(a.received[0]?.id);

    // Pub/sub keeps order per subscriber: once the other prefix sees its own later event,
    // an event leaked from the first prefix would already have arrived before it.
    await other.bus.publish('token.revoked', 9, { tokenId: 78 });
    await waitFor(
      () => other.received.length > 0,
      10_000,
      'the other prefix to receive its own event',
    );
    expect(other.received.map((event) => event.payload.tokenId)).toEqual([78]);
    expect(a.received).toHaveLength(1);
  });
});
