import { afterEach, describe, expect, it } from 'vitest';
import { freePort, metricValue } from '../testing/parley-process.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import {
  deleteRedisKeys,
  DIALECTS,
  testRedisUrl,
  uniqueRedisPrefix,
} from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';

const backends = [
  ...DIALECTS.map((dialect) => ({ name: `jobs table on ${dialect}`, dialect, env: {} })),
  ...(testRedisUrl() === undefined
    ? []
    : [
        {
          name: 'BullMQ',
          dialect: DIALECTS[DIALECTS.length - 1] ?? ('sqlite' as const),
          env: { REDIS_URL: testRedisUrl() ?? '' },
        },
      ]),
];

describe.each(backends)('job retries and dead jobs in /metrics ($name)', ({ dialect, env }) => {
  let t: TestApp | undefined;
  const prefix = uniqueRedisPrefix('metrics');
  afterEach(async () => {
    await t?.close();
    const url = testRedisUrl();
    if (url !== undefined) await deleteRedisKeys(url, prefix);
  });

  it('retries a failing job with growing delays, then marks it dead, and /metrics shows it', async () => {
    // Nothing listens on this port: every delivery attempt of the invitation e-mail fails.
    const closedPort = await freePort();
    t = await createTestApp(dialect, {
      ...env,
      PARLEY_REDIS_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${closedPort}`,
      PARLEY_JOB_BACKOFF_MS: '40',
    });
    const app = t.app;
    await t.runtime.startWorkers();
    const roles = await app.inject({
      url: `/v1/accounts/${t.first.account.id}/user-roles`,
      headers: bearer(t.first.accountToken),
    });
    const roleId = roles.json<{ roles: { id: number }[] }>().roles[1]?.id;
    const started = Date.now();
    const invite = await app.inject({
      method: 'POST',
      url: `/v1/accounts/${t.first.account.id}/user`,
      headers: bearer(t.first.accountToken),
      payload: { user: { email: 'unreachable@example.com', role_id: roleId }, notify_user: 'true' },
    });
    expect(invite.statusCode).toBe(200);

    const scrape = async () => (await app.inject({ url: '/metrics' })).body;
    await waitFor(
      async () =>
        metricValue(await scrape(), 'parley_jobs_dead_total', { name: 'mail.send' }) === 1,
      15_000,
      'the job to die',
    );
    // Five attempts with 40, 80, 160, 320 ms between them: at least 600 ms in all.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const metrics = await scrape();
    expect(
      metricValue(metrics, 'parley_jobs_failed_total', { name: 'mail.send', will_retry: 'true' }),
    ).toBe(4);
    expect(
      metricValue(metrics, 'parley_jobs_failed_total', { name: 'mail.send', will_retry: 'false' }),
    ).toBe(1);
    expect(metricValue(metrics, 'parley_jobs_completed_total', { name: 'mail.send' })).toBe(0);
    expect(metricValue(metrics, 'parley_jobs', { state: 'dead' })).toBe(1);
    expect(
      metricValue(metrics, 'parley_http_requests_total', {
        route: '/v1/accounts/:account/user',
        status: '200',
      }),
    ).toBe(1);
    expect(metrics).toContain('parley_http_request_duration_seconds_bucket');
  });
});
