import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAccountSettings, readAccountSettings } from '../../core/accounts/account-settings.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { waitFor } from '../../testing/wait-for.js';

const BOUNDARY = '----parleykb';

/** A multipart body: text fields and file fields, as WotNot's upload route takes them. */
function multipart(
  parts: { name: string; value: string; filename?: string; type?: string }[],
): string {
  return [
    ...parts.flatMap((part) => [
      `--${BOUNDARY}`,
      part.filename === undefined
        ? `Content-Disposition: form-data; name="${part.name}"`
        : `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'text/plain'}`,
      '',
      part.value,
    ]),
    `--${BOUNDARY}--`,
    '',
  ].join('\r\n');
}

describe.each(DIALECTS)("WotNot's knowledge base routes on %s", (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    await t.runtime.startWorkers();
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    token = t.first.accountToken,
  ) =>
    t.app.inject({
      method,
      url,
      headers: {
        ...bearer(token),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const upload = (kb: number, body: string, token = t.first.accountToken) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/ai/knowledge-base/${String(kb)}/upload/sources`,
      headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: body,
    });
  const limit = async (name: 'knowledgeBases' | 'knowledgeBaseUrls', value: number) => {
    const db = t.runtime.database.db;
    const settings = await readAccountSettings(db, t.first.account.id);
    await writeAccountSettings(db, t.first.account.id, {
      ...settings,
      limits: { ...settings.limits, [name]: value },
    });
  };

  it('creates knowledge bases up to the plan limit', async () => {
    const created = await call('POST', '/v1/ai/knowledge-base', { name: 'Help centre' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({
      ok: true,
      id: expect.any(Number) as number,
      message: 'Knowledge base has been created.',
      code: 'CREATE_KNOWLEDGE_BASE_SUCCESS_MESSAGE',
    });
    await limit('knowledgeBases', 1);
    const refused = await call('POST', '/v1/ai/knowledge-base', { name: 'Second' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      ok: false,
      message:
        'You have reached the maximum number of knowledge bases. Upgrade your plan to create more knowledge bases.',
      error: 'MAX_KNOWLEDGE_BASE_COUNT_EXCEEDED',
      code: 'MAX_KNOWLEDGE_BASE_COUNT_EXCEEDED',
      status: 400,
    });
  });

  it('adds text and file sources grouped by form field, trains them, and reports their status and details', async () => {
    const kb = (await call('POST', '/v1/ai/knowledge-base', { name: 'Docs' })).json<{
      id: number;
    }>().id;
    const answer = await upload(
      kb,
      multipart([
        { name: 'q1', value: 'Our support team answers within two hours on weekdays.' },
        {
          name: 'q1',
          value: '# Refunds\n\nRefunds are issued within 14 days of a return.',
          filename: 'refunds.md',
          type: 'text/markdown',
        },
        { name: 'd2', value: 'garbage', filename: 'File2.xyz', type: 'application/octet-stream' },
      ]),
    );
    expect(answer.statusCode).toBe(200);
    const body =
      answer.json<
        Record<string, { id: number; type: string; name: string; status: string; errors: null }[]>
      >();
    expect(body).toMatchObject({ knowledge_base_id: kb, ok: true });
    expect(body.q1).toEqual([
      {
        id: expect.any(Number) as number,
        type: 'text',
        name: 'q1',
        status: 'in-progress',
        errors: null,
      },
      {
        id: expect.any(Number) as number,
        type: 'file',
        name: 'refunds.md',
        status: 'in-progress',
        errors: null,
      },
    ]);
    expect(body.d2).toEqual([
      {
        id: expect.any(Number) as number,
        type: 'file',
        name: 'File2.xyz',
        status: 'in-progress',
        errors: null,
      },
    ]);
    const ids = [...(body.q1 ?? []), ...(body.d2 ?? [])].map((source) => source.id).join(',');
    const statuses = async () =>
      (await call('GET', `/api/v1/ai/status/sources?source_ids=${ids}`)).json<{
        sources: {
          id: number;
          status: string;
          failed_reason: string | null;
          knowledge_base_id: number;
        }[];
      }>().sources;
    await waitFor(
      async () => (await statuses()).every((source) => source.status !== 'in-progress'),
      15_000,
      'training',
    );
    const final = await statuses();
    expect(final.map((source) => source.status)).toEqual(['trained', 'trained', 'failed']);
    expect(final[2]?.failed_reason).toMatch(/unsupported file type/i);
    expect(final[0]).toMatchObject({ knowledge_base_id: kb });

    const details = await call('GET', `/v1/ai/knowledge-base/${String(kb)}?limit=2&offset=0`);
    expect(details.statusCode).toBe(200);
    const shown = details.json<Record<string, unknown>>();
    expect(shown).toMatchObject({
      ok: true,
      id: kb,
      name: 'Docs',
      total_data_sources: 3,
      domains: [],
      pagination: { limit: 2, offset: 0, total: 3 },
    });
    expect(shown.data_source).toEqual([
      expect.objectContaining<object>({
        name: 'q1',
        type: 'text',
        status: 'trained',
        failed_reason: null,
        token: expect.any(Number) as number,
        domain_id: null,
      }),
      expect.objectContaining<object>({ name: 'refunds.md', type: 'file', status: 'trained' }),
    ]);
    expect(typeof shown.last_trained_at).toBe('string');
    // limit/offset may also come in the body, as the docs show it.
    const paged = await call('GET', `/v1/ai/knowledge-base/${String(kb)}`, { limit: 1, offset: 1 });
    expect(paged.json()).toMatchObject({ pagination: { limit: 1, offset: 1, total: 3 } });

    const removed = await call('DELETE', `/v1/ai/knowledge-bases/${String(kb)}/data-sources`, {
      data_sources: [final[0]?.id],
    });
    expect(removed.json()).toEqual({ ok: true });
    const unknown = await call('DELETE', `/v1/ai/knowledge-bases/${String(kb)}/data-sources`, {
      data_sources: [999_999],
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      ok: false,
      error: 'RESOURCE_NOT_FOUND',
      code: 'RESOURCE_NOT_FOUND',
    });
    const missing = await call('DELETE', `/v1/ai/knowledge-bases/${String(kb)}/data-sources`, {});
    expect(missing.json()).toMatchObject({
      error: 'BAD_REQUEST',
      message: [{ message: '"data_sources" is required', path: ['data_sources'] }],
    });
  });

  it('adds web pages and domains within the plan, validating URLs like WotNot', async () => {
    const kb = (await call('POST', '/v1/ai/knowledge-base', { name: 'Site' })).json<{
      id: number;
    }>().id;
    const bad = await call('POST', `/v1/ai/knowledge-base/${String(kb)}/data-sources/webpages`, {
      urls: ['not a url'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      ok: false,
      error: 'BAD_REQUEST',
      status: 400,
      message: [{ path: ['urls', 0] }],
    });
    const pages = await call('POST', `/v1/ai/knowledge-base/${String(kb)}/data-sources/webpages`, {
      urls: ['https://wotnot.io', 'https://wotnot.io/pricing'],
    });
    expect(pages.statusCode).toBe(200);
    expect(pages.json<{ data_sources: unknown[] }>().data_sources[0]).toEqual({
      knowledge_base_id: String(kb),
      id: expect.any(Number) as number,
      name: 'https://wotnot.io',
      source_type: 'url',
      token: 0,
      refresh_frequency: null,
      last_trained_at: null,
      status: 'in-progress',
      type: 'url',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/) as string,
      created_by: { id: 2, name: 'System' },
    });
    const domain = await call('POST', `/v1/ai/knowledge-base/${String(kb)}/data-sources/domain`, {
      type: 'domain',
      url: 'https://wotnot.io',
      exclude_urls: '',
      refresh_frequency: null,
    });
    expect(domain.json()).toEqual({
      ok: true,
      domain_id: expect.any(Number) as number,
      request_id: expect.stringMatching(/^\w{32}$/) as string,
    });
    await limit('knowledgeBaseUrls', 3);
    const over = await call('POST', `/v1/ai/knowledge-base/${String(kb)}/data-sources/domain`, {
      url: 'https://example.com',
    });
    expect(over.json()).toEqual({
      message: 'Maximum urls allowed 3',
      ok: false,
      error: 'BAD_REQUEST',
      code: 'BAD_REQUEST',
      status: 400,
    });
    const badDomain = await call(
      'POST',
      `/v1/ai/knowledge-base/${String(kb)}/data-sources/domain`,
      { url: 'nope' },
    );
    expect(badDomain.json()).toMatchObject({ message: [{ path: ['url'] }] });
  });

  it('keeps every account to its own knowledge bases', async () => {
    const other = await t.createAccount('Other');
    const theirs = (
      await call('POST', '/v1/ai/knowledge-base', { name: 'Theirs' }, other.accountToken)
    ).json<{ id: number }>().id;
    const answer = await upload(theirs, multipart([{ name: 't', value: 'hello' }]));
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({
      ok: false,
      error: 'BAD_REQUEST',
      code: 'BAD_REQUEST',
      status: 400,
      message: `Knowledge base does not belong to the account(${String(theirs)})`,
    });
    const absent = await upload(987_654, multipart([{ name: 't', value: 'hello' }]));
    expect(absent.json()).toMatchObject({
      ok: false,
      error: 'KNOWLEDGE_BASE_NOT_FOUND',
      message: 'KnowledgeBase Not Found in DB!',
      status: 404,
    });
    const details = await call('GET', `/v1/ai/knowledge-base/${String(theirs)}`);
    expect(details.statusCode).toBe(404);
    expect(details.json()).toMatchObject({
      ok: false,
      error: 'RESOURCE_NOT_FOUND',
      message: 'Resource not found',
    });
    const unauthorized = await upload(
      theirs,
      multipart([{ name: 't', value: 'x' }]),
      'wrong-token-0123456789',
    );
    expect(unauthorized.json()).toMatchObject({
      ok: false,
      error: 'JWT_SIGNATURE_EXCEPTION',
      message: 'Invalid JWT token',
      status: 401,
    });
  });
});
