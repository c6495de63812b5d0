import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startParleyProcess, type ParleyProcess } from '../testing/parley-process.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  DIALECTS,
  testRedisUrl,
  uniqueRedisPrefix,
} from '../testing/test-databases.js';
import { WsTestClient } from '../testing/ws-client.js';

/**
 * Realtime across real processes started as `npm start` starts them: a socket on process
 * B receives what process A accepted, the events crossing through Redis.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TOKEN = 'realtime-cluster-token-0123456789';

async function post(parley: ParleyProcess, url: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${parley.url}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

describe.runIf(DIALECTS.includes('postgres') && testRedisUrl() !== undefined)(
  'realtime on two processes sharing PostgreSQL and Redis',
  () => {
    it('delivers to a socket on process B a message accepted by process A', async () => {
      const db = await createTestDatabase('postgres');
      cleanups.push(() => db.drop());
      const redisUrl = testRedisUrl() ?? '';
      const prefix = uniqueRedisPrefix('realtime-cluster');
      cleanups.push(() => deleteRedisKeys(redisUrl, prefix));
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-proc-'));
      cleanups.push(() => fs.promises.rm(dataDir, { recursive: true, force: true }));
      const env = {
        PARLEY_DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        PARLEY_REDIS_PREFIX: prefix,
        PARLEY_SECRET_KEY: 'realtime-secret-realtime-secret-realtime-secret',
        PARLEY_BOOTSTRAP_TOKEN: TOKEN,
      };
      const [a, b] = await Promise.all([startParleyProcess(env), startParleyProcess(env)]);
      cleanups.push(
        () => a.kill('SIGKILL'),
        () => b.kill('SIGKILL'),
      );

      const onB = await WsTestClient.connect(`${b.url}/api/native/realtime?token=${TOKEN}`);
      cleanups.push(() => onB.close());
      await onB.next((message) => message.type === 'ready');

      // Only process A takes requests: whatever B's socket receives came through Redis.
      const channel = await post(a, '/api/native/channels', {
        type: 'sms',
        provider: 'sandbox',
        name: 'SMS',
        phone_number: '+14155550100',
      });
      const channelId =
        typeof channel === 'object' && channel !== null && 'id' in channel ? channel.id : 0;
      await post(a, `/api/native/channels/${String(channelId)}/sandbox/inbound`, {
        from: '+14155550111',
        content: { type: 'text', text: 'accepted by A' },
      });
      const received = await onB.nextEvent('message.created', 5_000);
      expect(JSON.stringify(received.message.data)).toContain('accepted by A');

      // A socket on B that reconnects with its last id misses nothing A accepted meanwhile.
      await onB.close();
      await post(a, `/api/native/channels/${String(channelId)}/sandbox/inbound`, {
        from: '+14155550111',
        content: { type: 'text', text: 'while away' },
      });
      const resumed = await WsTestClient.connect(
        `${b.url}/api/native/realtime?token=${TOKEN}&since=${received.message.id}`,
      );
      cleanups.push(() => resumed.close());
      const missed = await resumed.nextEvent('message.created', 5_000);
      expect(JSON.stringify(missed.message.data)).toContain('while away');
      expect(missed.message.id).toBeGreaterThan(received.message.id);

      // SIGTERM closes the socket with 1001 and the process still exits cleanly.
      expect(await b.kill('SIGTERM')).toBe(0);
      expect((await resumed.closed).code).toBe(1001);
    });
  },
);
