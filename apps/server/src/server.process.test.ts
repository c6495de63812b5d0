import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricValue, startParleyProcess, type ParleyProcess } from './testing/parley-process.js';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink.js';
import {
  createTestDatabase,
  deleteRedisKeys,
  DIALECTS,
  testRedisUrl,
  uniqueRedisPrefix,
  type TestDatabase,
} from './testing/test-databases.js';
import { processFixtures } from './testing/process-fixtures.js';
import { waitFor } from './testing/wait-for.js';

/**
 * Whole-process tests: Parley started the way `npm start` starts it, killed the way an
 * operating system kills it, and several processes sharing one database and one Redis.
 */
const { track, tempDir, start } = processFixtures('proc');

async function database(dialect: (typeof DIALECTS)[number]): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect);
  track(() => db.drop());
  return db;
}

/** A Redis prefix of the test's own, deleted afterwards. */
function redisPrefix(label: string): string {
  const prefix = uniqueRedisPrefix(label);
  const url = testRedisUrl();
  if (url !== undefined) track(() => deleteRedisKeys(url, prefix));
  return prefix;
}

async function smtp(): Promise<SmtpSink> {
  const sink = await startSmtpSink();
  track(() => sink.close());
  return sink;
}

async function invite(parley: ParleyProcess, token: string, email: string): Promise<Response> {
  const roles = await fetch(`${parley.url}/v1/accounts/1/user-roles`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const agent = ((await roles.json()) as { roles: { id: number; role_name: string }[] }).roles.find(
    (role) => role.role_name === 'agent',
  );
  return fetch(`${parley.url}/v1/accounts/1/user`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { email, role_id: String(agent?.id) }, notify_user: 'true' }),
  });
}

describe('npm start', () => {
  it('starts on an embedded database, prints the first-run credentials once, and keeps data across restarts', async () => {
    const dataDir = tempDir();
    const first = await start({ PARLEY_DATA_DIR: dataDir });
    const printed = first.output();
    const token = /account token\s+(\S+)/.exec(printed)?.[1];
    expect(printed).toMatch(/admin e-mail\s+admin@parley\.local/);
    expect(printed).toMatch(/admin password\s+\S{20}/);
    expect(printed).toContain(`${first.url.replace('127.0.0.1', '127.0.0.1')}/docs`);
    expect(token).toMatch(/^pk_/);
    expect(fs.existsSync(path.join(dataDir, 'parley.db'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(true);

    const docs = await fetch(`${first.url}/docs`);
    expect(docs.status).toBe(200);
    const openapi = (await (await fetch(`${first.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/accounts/{account}/user-roles',
        '/v1/accounts/{account}/user',
        '/v1/accounts/{account}/users/{user}',
        '/healthz',
        '/readyz',
      ]),
    );
    // The demo bot answers on the demo sandbox channel out of the box.
    expect(printed).toContain('A demo bot answers');
    const headers = { authorization: `Bearer ${token ?? ''}`, 'content-type': 'application/json' };
    const hello = await fetch(`${first.url}/api/native/channels/1/sandbox/inbound`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ from: '+14155550123', content: { type: 'text', text: 'Hi' } }),
    });
    const { conversation_id: conversationId } = (await hello.json()) as { conversation_id: string };
    const replies = await fetch(
      `${first.url}/api/native/conversations/${conversationId}/messages`,
      { headers },
    );
    expect(await replies.text()).toContain('your name?');
    const invited = await invite(first, token ?? '', 'kept@example.com');
    expect(invited.status).toBe(200);
    expect(await first.kill('SIGTERM')).toBe(0);

    const second = await start({ PARLEY_DATA_DIR: dataDir });
    expect(second.output()).not.toContain('account token');
    const roles = await fetch(`${second.url}/v1/accounts/1/user-roles`, {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(roles.status).toBe(200);
    expect(await roles.text()).toContain('kept@example.com');
  });

  it('uses the PARLEY_BOOTSTRAP_* values on first start and stops with one clear line on bad config', async () => {
    const parley = await start({
      PARLEY_DATA_DIR: tempDir(),
      PARLEY_BOOTSTRAP_EMAIL: 'ops@example.com',
      PARLEY_BOOTSTRAP_PASSWORD: 'an operator password',
      PARLEY_BOOTSTRAP_TOKEN: 'automation-token-0123456789',
    });
    expect(parley.output()).toContain('ops@example.com');
    expect(parley.output()).toContain('automation-token-0123456789');
    const login = await fetch(`${parley.url}/api/native/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: 'an operator password' }),
    });
    expect(login.status).toBe(200);

    await expect(
      startParleyProcess({ PARLEY_DATA_DIR: tempDir(), PORT: 'eighty' }),
    ).rejects.toThrow(/Invalid configuration: PORT/);
  });
});

const backends = [
  ...DIALECTS.map((dialect) => ({ name: `jobs table on ${dialect}`, dialect, redis: false })),
  ...(testRedisUrl() === undefined
    ? []
    : [
        {
          name: 'BullMQ with PostgreSQL',
          dialect: DIALECTS.includes('postgres') ? ('postgres' as const) : ('sqlite' as const),
          redis: true,
        },
      ]),
];

describe.each(backends)('durable jobs ($name)', ({ dialect, redis }) => {
  it('runs a job that was enqueued before the process was killed with SIGKILL', async () => {
    const db = await database(dialect);
    const sink = await smtp();
    const env = {
      PARLEY_DATA_DIR: tempDir(),
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      PARLEY_BOOTSTRAP_TOKEN: 'durable-jobs-token-0123456789',
      ...(redis
        ? { REDIS_URL: testRedisUrl() ?? '', PARLEY_REDIS_PREFIX: redisPrefix('sigkill') }
        : {}),
    };
    // HTTP only: the invitation e-mail job is committed with the user but nothing runs it.
    const first = await start({ ...env, PARLEY_RUN_WORKERS: 'false' });
    expect((await invite(first, env.PARLEY_BOOTSTRAP_TOKEN, 'durable@example.com')).status).toBe(
      200,
    );
    // Both committed jobs reach BullMQ before the kill: the invitation e-mail, and the
    // training of the demo knowledge base the first start installs.
    if (redis)
      await waitFor(
        async () =>
          metricValue(await (await fetch(`${first.url}/metrics`)).text(), 'parley_jobs', {
            state: 'queued',
          }) === 2,
        5_000,
        'the outbox relay',
      );
    await first.kill('SIGKILL');
    expect(sink.messages).toHaveLength(0);

    const second = await start(env);
    await waitFor(() => sink.messages.length === 1, 15_000, 'the invitation e-mail after restart');
    expect(sink.messages[0]?.to).toEqual(['durable@example.com']);
    expect(sink.messages[0]?.raw).toContain('create-your-account?invitation_key=3D');
    // The job is marked done just after the SMTP server has the message.
    await waitFor(
      async () =>
        metricValue(
          await (await fetch(`${second.url}/metrics`)).text(),
          'parley_jobs_completed_total',
          { name: 'mail.send' },
        ) === 1,
      5_000,
      'the job to complete',
    );
  });
});

describe.runIf(DIALECTS.includes('postgres') && testRedisUrl() !== undefined)(
  'two processes on one PostgreSQL and Redis',
  () => {
    it('share jobs (each runs once) and bus events (published on one, seen on the other)', async () => {
      const db = await database('postgres');
      const sink = await smtp();
      const env = {
        PARLEY_DATA_DIR: tempDir(),
        DATABASE_URL: db.url,
        SMTP_URL: sink.url,
        REDIS_URL: testRedisUrl() ?? '',
        PARLEY_REDIS_PREFIX: redisPrefix('cluster'),
        PARLEY_SECRET_KEY: 'cluster-secret-cluster-secret-cluster-secret',
        PARLEY_BOOTSTRAP_TOKEN: 'cluster-token-0123456789abcdef',
      };
      const [a, b] = await Promise.all([start(env), start(env)]);
      const invitations = 12;
      for (let i = 0; i < invitations; i += 1) {
        // Only process A takes requests: any work B does came to it through Redis.
        expect((await invite(a, env.PARLEY_BOOTSTRAP_TOKEN, `member${i}@example.com`)).status).toBe(
          200,
        );
      }
      await waitFor(() => sink.messages.length >= invitations, 20_000, 'every invitation e-mail');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(sink.messages).toHaveLength(invitations);
      expect(new Set(sink.messages.flatMap((message) => message.to)).size).toBe(invitations);

      const [metricsA, metricsB] = await Promise.all(
        [a, b].map(async (parley) => (await fetch(`${parley.url}/metrics`)).text()),
      );
      const completed = [metricsA, metricsB].map((text) =>
        metricValue(text ?? '', 'parley_jobs_completed_total', { name: 'mail.send' }),
      );
      expect((completed[0] ?? 0) + (completed[1] ?? 0)).toBe(invitations);
      // B never received a request, yet saw every user.invited event A published.
      expect(
        metricValue(metricsB ?? '', 'parley_events_received_total', { type: 'user.invited' }),
      ).toBe(invitations);
      expect(
        metricValue(metricsA ?? '', 'parley_events_received_total', { type: 'user.invited' }),
      ).toBe(invitations);
    });
  },
);
