import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStaticSite, type StaticSite } from '../../testing/fakes/static-site.js';
import { createTestApp, postJson, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';

const DAY_MS = 24 * 60 * 60 * 1_000;

const article = (body: string) =>
  `<!doctype html><html><head><title>Pricing</title></head><body><main><h1>Pricing</h1>${body}</main></body></html>`;

describe.each(DIALECTS)('refreshing a web page source on %s', (dialect) => {
  let t: TestApp;
  let site: StaticSite;
  beforeEach(async () => {
    site = await startStaticSite();
    site.setPage('/pricing', article('<p>The team plan costs forty euros a month.</p>'));
    t = await createTestApp(dialect);
    await t.runtime.startWorkers();
  });
  afterEach(async () => {
    await t.close();
    await site.close();
  });

  const post = (url: string, body: unknown) => postJson(t, url, body);
  const db = () => t.runtime.database.db;
  const refreshJobs = (sourceId: number) =>
    db()
      .selectFrom('jobs')
      .selectAll()
      .where('name', '=', 'kb.train')
      .where('idempotency_key', 'like', `kb.train:${String(sourceId)}:refresh:%`)
      .orderBy('run_at')
      .execute();
  const chunksOf = (sourceId: number) =>
    db()
      .selectFrom('kb_chunks')
      .select(['id', 'text'])
      .where('source_id', '=', sourceId)
      .orderBy('id')
      .execute();
  /** Makes the pending refresh due now and waits until it has run and scheduled the next. */
  const runDueRefresh = async (sourceId: number) => {
    const [pending] = (await refreshJobs(sourceId)).filter((job) => job.status === 'queued');
    if (pending === undefined) throw new Error('no refresh is scheduled');
    await db()
      .updateTable('jobs')
      .set({ run_at: Date.now() })
      .where('id', '=', pending.id)
      .execute();
    await waitFor(
      async () =>
        (await refreshJobs(sourceId)).filter((job) => job.status === 'queued').length === 1 &&
        (
          await db()
            .selectFrom('jobs')
            .select('status')
            .where('id', '=', pending.id)
            .executeTakeFirstOrThrow()
        ).status === 'completed',
      15_000,
      'the refresh to run',
    );
  };

  it('re-trains the page on its schedule: unchanged keeps its chunks, changed replaces them', async () => {
    const kb = (await post('/v1/ai/knowledge-base', { name: 'Site' })).json<{ id: number }>().id;
    const added = await post(`/v1/ai/knowledge-base/${String(kb)}/data-sources/webpages`, {
      urls: [`${site.url}/pricing`],
      refresh_frequency: 'daily',
    });
    expect(added.statusCode).toBe(200);
    const [source] = added.json<{ data_sources: { id: number; refresh_frequency: string }[] }>()
      .data_sources;
    expect(source?.refresh_frequency).toBe('daily');
    const sourceId = source?.id ?? 0;
    await waitFor(
      async () => (await refreshJobs(sourceId)).length === 1,
      15_000,
      'the first training to schedule a refresh',
    );
    const [scheduled] = await refreshJobs(sourceId);
    expect(scheduled?.run_at).toBeGreaterThan(Date.now() + DAY_MS - 60_000);
    expect(scheduled?.run_at).toBeLessThanOrEqual(Date.now() + DAY_MS);
    const first = await chunksOf(sourceId);
    expect(first.map((chunk) => chunk.text).join(' ')).toContain('forty euros');

    await runDueRefresh(sourceId);
    expect(await chunksOf(sourceId)).toEqual(first);

    site.setPage('/pricing', article('<p>The team plan now costs fifty euros a month.</p>'));
    await runDueRefresh(sourceId);
    const changed = await chunksOf(sourceId);
    expect(changed.map((chunk) => chunk.text).join(' ')).toContain('fifty euros');
    expect(changed.some((chunk) => first.some((old) => old.id === chunk.id))).toBe(false);
    expect(changed).toHaveLength(first.length);
  });

  it('takes "never" as no schedule and rejects an unknown frequency', async () => {
    const kb = (await post('/v1/ai/knowledge-base', { name: 'Site' })).json<{ id: number }>().id;
    const never = await post(`/v1/ai/knowledge-base/${String(kb)}/data-sources/webpages`, {
      urls: [`${site.url}/pricing`],
      refresh_frequency: 'never',
    });
    expect(never.statusCode).toBe(200);
    expect(
      never.json<{ data_sources: { refresh_frequency: unknown }[] }>().data_sources[0],
    ).toMatchObject({ refresh_frequency: null });
    const hourly = await post(`/v1/ai/knowledge-base/${String(kb)}/data-sources/webpages`, {
      urls: [`${site.url}/other`],
      refresh_frequency: 'hourly',
    });
    expect(hourly.statusCode).toBe(400);
    expect(hourly.json<{ ok: boolean }>().ok).toBe(false);
  });
});
