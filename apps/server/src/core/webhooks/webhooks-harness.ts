import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../config/config.js';
import { bootstrapFirstAccount } from '../accounts/bootstrap.js';
import type { CreatedAccount } from '../accounts/accounts-service.js';
import { buildApp } from '../../http/app.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { inTransaction } from '../../storage/transaction.js';
import { testLogger } from '../../testing/logger.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
  type TestStack,
} from '../../testing/test-databases.js';
import { sleep } from '../../testing/wait-for.js';
import { WebhookReceiver } from '../../testing/webhook-receiver.js';
import type { ConversationEventType } from '../events/conversation-events.js';
import type {
  ConversationEventData,
  ConversationSnapshot,
  MessageSnapshot,
} from '../events/snapshots.js';
import type { WebhookDeliveryOptions } from './webhook-delivery-job.js';
import type { WebhooksService } from './webhooks-service.js';

/**
 * Tests only: a Parley runtime and app with the webhook pieces wired the way the
 * composition root will wire them (service, job, committing listener, routes), a live
 * receiver, and a restart that keeps the database (and Redis prefix).
 */
export interface WebhookHarness {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly webhooks: WebhooksService;
  readonly receiver: WebhookReceiver;
  readonly first: CreatedAccount;
  /** Records one conversation event of the first account in its own transaction. */
  record<T extends ConversationEventType>(
    conversationId: number,
    type: T,
    data: ConversationEventData[T],
  ): Promise<void>;
  /** Stops this process's runtime (letting running jobs finish) and starts a new one. */
  restart(): Promise<void>;
  /** Starts a second "process" (its own runtime, pool and workers) on the same database. */
  addProcess(): Promise<void>;
  /** Between tests sharing a harness: a fresh receiver, no webhooks, no deliveries. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

type DeliveryTuning = Omit<WebhookDeliveryOptions, 'http'>;

interface Booted {
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  readonly webhooks: WebhooksService;
}

async function boot(config: Config, delivery: DeliveryTuning): Promise<Booted> {
  const runtime = await createRuntime(config, {
    logger: testLogger(),
    webhookDelivery: { requestTimeoutMs: 2_000, ...delivery },
  });
  const app = await buildApp(runtime);
  await app.ready();
  await runtime.startWorkers();
  return { runtime, app, webhooks: runtime.services.webhooks };
}

export async function createWebhookHarness(
  stack: TestStack,
  delivery: DeliveryTuning = {},
): Promise<WebhookHarness> {
  const redisUrl = stack.redis ? testRedisUrl() : undefined;
  const redisPrefix = uniqueRedisPrefix('webhooks');
  const database: TestDatabase = await createTestDatabase(stack.dialect);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-webhooks-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PARLEY_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://parley.test',
    PARLEY_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    PARLEY_RATE_LIMIT_PER_MINUTE: '0',
    PARLEY_JOB_POLL_MS: '20',
    PARLEY_ALLOW_PRIVATE_NETWORKS: 'true',
    PARLEY_SHUTDOWN_TIMEOUT_MS: '5000',
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: redisPrefix }),
  });
  const receiver = await WebhookReceiver.start();
  let current = await boot(config, delivery);
  const first = await bootstrapFirstAccount(current.runtime.database.db, config);
  if (first === undefined) throw new Error('a fresh database must bootstrap');
  const siblings: Booted[] = [];
  const stop = async () => {
    for (const booted of [current, ...siblings.splice(0)]) {
      await booted.app.close();
      await booted.runtime.close();
    }
  };
  return {
    get app() {
      return current.app;
    },
    get runtime() {
      return current.runtime;
    },
    get webhooks() {
      return current.webhooks;
    },
    receiver,
    first,
    record(conversationId, type, data) {
      const { runtime } = current;
      return inTransaction(runtime.database.db, async (unit) => {
        await runtime.context.events.record(unit, first.account.id, conversationId, type, data);
      });
    },
    async restart() {
      await stop();
      current = await boot(config, delivery);
    },
    async addProcess() {
      siblings.push(await boot(config, delivery));
    },
    async reset() {
      await receiver.reset();
      const { db } = current.runtime.database;
      await db.deleteFrom('webhook_deliveries').execute();
      const removed = await db.deleteFrom('webhooks').returning('account_id').execute();
      // Behind the services' back: the processes must forget the webhooks they kept.
      for (const { account_id } of removed) {
        current.runtime.context.caches.changed(account_id, 'webhooks');
      }
    },
    async close() {
      await stop();
      await receiver.close();
      // pg's pool.end() resolves before its clients' sockets have closed; a forced DROP
      // right away sends them a FATAL that surfaces as an uncaught error. Let them close.
      if (stack.dialect === 'postgres') await sleep(250);
      await database.drop();
      if (redisUrl !== undefined) await deleteRedisKeys(redisUrl, redisPrefix);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A conversation as an event snapshot; public id `conv-<internal id>`. */
export function conversationSnapshot(internalId: number): ConversationSnapshot {
  return {
    id: `conv-${internalId}`,
    internalId,
    status: 'open',
    title: `Chat ${internalId}`,
    channel: { id: 1, type: 'web', name: 'Website', provider: 'parley' },
    contact: {
      id: 40 + internalId,
      key: `contact-${internalId}`,
      externalKey: `ext-${internalId}`,
      name: 'Ann Visitor',
      email: 'ann@example.com',
      phone: null,
    },
    assignee: {
      user: { id: 7, email: 'agent@example.com', name: 'Agent Smith' },
      team: null,
      bot: false,
    },
    botId: 3,
    slaPolicyId: null,
    variables: { plan: 'pro' },
    labels: [],
    createdAt: Date.UTC(2026, 0, 4, 1, 13),
    closedAt: null,
  };
}

export function messageSnapshot(id: string, text: string): MessageSnapshot {
  return {
    id,
    seq: 1,
    direction: 'inbound',
    sender: { type: 'contact', userId: null, email: null, name: null },
    content: { type: 'text', text },
    text,
    status: 'received',
    statusHistory: [{ status: 'received', at: Date.UTC(2026, 0, 4, 1, 14) }],
    failureReason: null,
    providerMessageId: null,
    createdAt: Date.UTC(2026, 0, 4, 1, 14),
  };
}
