import { z } from 'zod';
import type { Clock } from '../clock.js';
import { bearer, createTestApp, TEST_ACCOUNT_TOKEN, type TestApp } from '../../testing/test-app.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
  type TestStack,
} from '../../testing/test-databases.js';
import type { Db } from '../../storage/database.js';

const contentText = z.object({ text: z.string() }).catch({ text: '?' });

/** A contact's phone on the cluster's SMS channel. */
export const CONTACT = '+14155550123';

/**
 * Parley apps on one database (and Redis prefix), started one after another (a restart)
 * or side by side (two server processes). No app owns the database, so closing one keeps
 * the data for the next; `close()` drops it at the end.
 */
export class BotCluster {
  readonly #apps: TestApp[] = [];
  /** The sandbox SMS channel every app answers on (created by the first app). */
  #channel = 0;

  private constructor(
    readonly stack: TestStack,
    readonly database: TestDatabase,
    readonly redisPrefix: string,
  ) {}

  static async create(stack: TestStack): Promise<BotCluster> {
    const database = await createTestDatabase(stack.dialect);
    return new BotCluster(stack, database, uniqueRedisPrefix('bots'));
  }

  /** Starts an app on the shared database, with its workers running. */
  async start(clock?: Clock): Promise<TestApp> {
    const app = await createTestApp(
      this.stack,
      {},
      {
        shared: { database: this.database, redisPrefix: this.redisPrefix },
        runtime: clock === undefined ? {} : { clock },
      },
    );
    this.#apps.push(app);
    await app.runtime.startWorkers();
    if (this.#channel === 0) this.#channel = await this.#createChannel(app);
    return app;
  }

  /** Stops one app as a restart does: workers finish their jobs, connections close. */
  async stop(app: TestApp): Promise<void> {
    const index = this.#apps.indexOf(app);
    if (index !== -1) this.#apps.splice(index, 1);
    await app.close();
  }

  async close(): Promise<void> {
    for (const app of this.#apps.splice(0).reverse()) await app.close();
    await this.database.drop();
    const redisUrl = testRedisUrl();
    if (this.stack.redis && redisUrl !== undefined)
      await deleteRedisKeys(redisUrl, this.redisPrefix);
  }

  /** Creates an SMS bot through the WotNot API and deploys the flow (which publishes it). */
  async deploy(app: TestApp, document: unknown): Promise<void> {
    const created = await post(app, '/v1/bot', { name: 'Bot', channel: 'SMS' });
    const { id } = z.object({ id: z.number() }).parse(created);
    await post(app, `/v1/bots/${id}/deploy`, { flow_diagram: JSON.stringify(document) });
  }

  /** The contact's text message, received by `app`; resolves to the conversation's id. */
  async say(app: TestApp, text: string): Promise<string> {
    const answer = await post(app, `/api/native/channels/${this.#channel}/sandbox/inbound`, {
      from: CONTACT,
      content: { type: 'text', text },
    });
    return z.object({ conversation_id: z.string() }).parse(answer).conversation_id;
  }

  /** The conversation's texts in stored order, `>` inbound, `<` outbound. */
  async transcript(db: Db, publicId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.direction', 'messages.content'])
      .where('conversations.public_id', '=', publicId)
      .orderBy('messages.id')
      .execute();
    return rows.map((row) => `${row.direction === 'inbound' ? '>' : '<'} ${textOf(row.content)}`);
  }

  conversation(db: Db, publicId: string) {
    return db
      .selectFrom('conversations')
      .selectAll()
      .where('public_id', '=', publicId)
      .executeTakeFirstOrThrow();
  }

  async #createChannel(app: TestApp): Promise<number> {
    const created = await post(app, '/api/native/channels', {
      type: 'sms',
      provider: 'sandbox',
      name: 'SMS',
      phone_number: '+1 415 555 0101',
    });
    return z.object({ id: z.number() }).parse(created).id;
  }
}

/** The text of a stored message content (`?` for content without one). */
function textOf(content: string): string {
  return contentText.parse(JSON.parse(content)).text;
}

async function post(app: TestApp, url: string, payload: unknown): Promise<unknown> {
  const response = await app.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(TEST_ACCOUNT_TOKEN), 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.body}`);
  return response.json<unknown>();
}
