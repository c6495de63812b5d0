import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountFixture } from '../../testing/account-fixture.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import {
  botEditorFixture,
  brokenFlow,
  helloFlow,
  type BotBody,
  type DraftBody,
} from './bot-editor-fixture.js';

describe.each(STACKS)('native bot editor on $name', (stack) => {
  let t: TestApp;
  let f: ReturnType<typeof botEditorFixture>;
  beforeEach(async () => {
    t = await createTestApp(stack);
    f = botEditorFixture(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('creates bots from the template gallery: the empty bot and the lead-capture demo', async () => {
    const { templates } = await f.call<{ templates: { id: string; flow: object }[] }>(
      'GET',
      '/bot-templates',
    );
    expect(templates.map((template) => template.id)).toEqual([
      'empty',
      'lead-capture',
      'widget-tour',
      'faq-assistant',
    ]);

    const leads = await f.createBot('Leads', { template_id: 'lead-capture', channels: ['web'] });
    expect(leads).toMatchObject({
      title: 'Leads',
      channels: ['WEB'],
      active: false,
      deployed_version: null,
      draft_revision: 1,
    });
    const draft = await f.request('GET', `/bots/${leads.id}/draft`);
    expect(draft.headers.etag).toBe('"1"');
    const body = draft.json<DraftBody>();
    expect(body).toMatchObject({ revision: 1, valid: true, problems: [] });
    expect(body.flow.nodes.map((node) => node.id)).toContain('ask_email');

    const empty = await f.createBot('Blank');
    const blank = await f.call<DraftBody>('GET', `/bots/${empty.id}/draft`);
    expect(blank.flow.nodes.map((node) => node.id)).toEqual(['start']);

    const unknown = await f.failure('POST', '/bots', 404, {
      payload: { title: 'X', template_id: 'no-such-template' },
    });
    expect(unknown.error.code).toBe('BOT_TEMPLATE_NOT_FOUND');
    const listed = await f.call<{ bots: BotBody[] }>('GET', '/bots');
    expect(listed.bots.map((bot) => bot.title)).toEqual(['Leads', 'Blank']);
  });

  it('documents the editor routes, the If-Match header and optional bodies in /openapi.json', async () => {
    const spec = (await t.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    }>();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/native/bots',
        '/api/native/bots/{id}',
        '/api/native/bots/{id}/draft',
        '/api/native/bots/{id}/validate',
        '/api/native/bots/{id}/deploy',
        '/api/native/bots/{id}/versions',
        '/api/native/bots/{id}/versions/{version}',
        '/api/native/bots/{id}/rollback',
        '/api/native/bots/{id}/clone',
        '/api/native/bot-templates',
      ]),
    );
    const put = spec.paths['/api/native/bots/{id}/draft']?.put;
    expect(put?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'if-match', in: 'header' })]),
    );
  });

  it('saves an incomplete draft with its problems, and refuses a stale revision with 409', async () => {
    const bot = await f.createBot('Drafty');
    const saved = await f.saveDraft(bot.id, brokenFlow, 1);
    expect(saved.revision).toBe(2);
    expect(saved.valid).toBe(false);
    const nodes = saved.problems.map((problem) => problem.node_id);
    expect(nodes).toContain('mystery');
    expect(nodes).toContain('hello');

    const stale = await f.failure('PUT', `/bots/${bot.id}/draft`, 409, {
      payload: { flow: helloFlow('mine'), revision: 1 },
    });
    expect(stale.error).toMatchObject({
      code: 'DRAFT_REVISION_CONFLICT',
      details: { revision: 2, expected: 1 },
    });
    const staleHeader = await f.failure('PUT', `/bots/${bot.id}/draft`, 409, {
      headers: { ...f.admin, 'if-match': '"1"' },
      payload: { flow: helloFlow('mine') },
    });
    expect(staleHeader.error.code).toBe('DRAFT_REVISION_CONFLICT');
    // One past PostgreSQL's integer is stale too, not a database error.
    const pastRange = await f.failure('PUT', `/bots/${bot.id}/draft`, 409, {
      headers: { ...f.admin, 'if-match': '"2147483648"' },
      payload: { flow: helloFlow('mine') },
    });
    expect(pastRange.error.code).toBe('DRAFT_REVISION_CONFLICT');
    // The refused saves changed nothing.
    const kept = await f.call<DraftBody>('GET', `/bots/${bot.id}/draft`);
    expect(kept).toMatchObject({ revision: 2, valid: false });

    const fresh = await f.request('PUT', `/bots/${bot.id}/draft`, {
      headers: { ...f.admin, 'if-match': 'W/"2"' },
      payload: { flow: helloFlow('mine') },
    });
    expect(fresh.headers.etag).toBe('"3"');
    expect(fresh.json<DraftBody>()).toMatchObject({ revision: 3, valid: true, problems: [] });
    // Without a revision the save is unconditional (scripts pushing a flow).
    expect((await f.saveDraft(bot.id, helloFlow('forced'))).revision).toBe(4);
  });

  it('validates the draft or a flow in the body, naming the nodes at fault', async () => {
    const bot = await f.createBot('Checked');
    await f.saveDraft(bot.id, brokenFlow);
    const ofDraft = await f.call<{ valid: boolean; problems: DraftBody['problems'] }>(
      'POST',
      `/bots/${bot.id}/validate`,
      { status: 200 },
    );
    expect(ofDraft.valid).toBe(false);
    expect(ofDraft.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ node_id: 'mystery', path: ['type'] }),
        expect.objectContaining({ node_id: 'hello', path: ['edges', 'e2', 'target'] }),
      ]),
    );
    const ofBody = await f.call<{ valid: boolean; problems: unknown[] }>(
      'POST',
      `/bots/${bot.id}/validate`,
      { payload: { flow: helloFlow('fine') }, status: 200 },
    );
    expect(ofBody).toEqual({ valid: true, problems: [] });
    const garbage = await f.call<{ valid: boolean; problems: unknown[] }>(
      'POST',
      `/bots/${bot.id}/validate`,
      { payload: { flow: { nodes: 'nope' } }, status: 200 },
    );
    expect(garbage.valid).toBe(false);
    expect(garbage.problems.length).toBeGreaterThan(0);
  });

  it('clones a bot with new keys, undeployed, counting toward the bot limit; deletes softly', async () => {
    const original = await f.createBot('Original', { channels: ['API', 'WEB'] });
    await f.saveDraft(original.id, helloFlow('copied text'));
    await f.deploy(original.id);
    await f.request('PATCH', `/bots/${original.id}`, { payload: { priority: 3, language: 'fr' } });

    const copy = await f.call<BotBody & { priority: number; language: string }>(
      'POST',
      `/bots/${original.id}/clone`,
    );
    expect(copy).toMatchObject({
      title: 'Original (copy)',
      channels: ['API', 'WEB'],
      priority: 3,
      language: 'FR',
      active: false,
      deployed_version: null,
    });
    expect(copy.id).not.toBe(original.id);
    expect(copy.bot_key).not.toBe(original.bot_key);
    expect(copy.preview_key).not.toBe(original.preview_key);
    const copiedDraft = await f.call<DraftBody>('GET', `/bots/${copy.id}/draft`);
    expect(copiedDraft.flow.nodes[1]?.data).toEqual({ text: 'copied text' });
    const viaCreate = await f.createBot('Second copy', { clone_of: original.id });
    expect(viaCreate).toMatchObject({ title: 'Second copy', deployed_version: null });

    await f.request('PUT', '/account/settings', { payload: { limits: { bots: 3 } } });
    const limited = await f.failure('POST', `/bots/${original.id}/clone`, 400);
    expect(limited.error.code).toBe('MAXIMUM_BOTS_LIMIT_REACHED');
    await f.request('DELETE', `/bots/${copy.id}`, { status: 204 });
    expect((await f.failure('GET', `/bots/${copy.id}`, 404)).error.code).toBe('BOT_NOT_FOUND');
    const { bots } = await f.call<{ bots: BotBody[] }>('GET', '/bots');
    expect(bots.map((bot) => bot.id)).toEqual([original.id, viaCreate.id]);
    // A deleted bot no longer counts toward the limit.
    await f.request('POST', `/bots/${original.id}/clone`, { payload: { title: 'Third' } });
  });

  it('isolates accounts, enforces the bot builder switches and answers bad input with 400', async () => {
    const other = await t.createAccount('Other');
    const theirs = bearer(other.accountToken);
    const foreign = await f.call<BotBody>('POST', '/bots', {
      headers: theirs,
      payload: { title: 'Theirs' },
    });
    await f.call('POST', `/bots/${foreign.id}/deploy`, { headers: theirs, status: 200 });
    const probes: [Parameters<typeof f.request>[0], string, object?][] = [
      ['GET', `/bots/${foreign.id}`],
      ['PATCH', `/bots/${foreign.id}`, { title: 'Mine now' }],
      ['GET', `/bots/${foreign.id}/draft`],
      ['PUT', `/bots/${foreign.id}/draft`, { flow: helloFlow('x') }],
      ['POST', `/bots/${foreign.id}/validate`, {}],
      ['POST', `/bots/${foreign.id}/deploy`, {}],
      ['GET', `/bots/${foreign.id}/versions`],
      ['POST', `/bots/${foreign.id}/rollback`, { version: 1 }],
      ['POST', `/bots/${foreign.id}/clone`, {}],
      ['POST', '/bots', { title: 'Sneaky', clone_of: foreign.id }],
      ['DELETE', `/bots/${foreign.id}`],
    ];
    for (const [method, url, payload] of probes) {
      const answer = await f.failure(method, url, 404, payload === undefined ? {} : { payload });
      expect(answer.error.code, `${method} ${url}`).toBe('BOT_NOT_FOUND');
    }

    const mine = await f.createBot('Mine');
    const people = accountFixture(t);
    const agent = bearer((await people.member('agent@example.com', 'agent')).token);
    const viewer = bearer((await people.member('viewer@example.com', 'viewer')).token);
    const denied = await f.failure('GET', '/bots', 403, { headers: agent });
    expect(denied.error.code).toBe('PERMISSION_DENIED');
    await f.failure('PUT', `/bots/${mine.id}/draft`, 403, {
      headers: agent,
      payload: { flow: helloFlow('x') },
    });
    await f.request('GET', `/bots/${mine.id}/draft`, { headers: viewer });
    await f.failure('POST', `/bots/${mine.id}/deploy`, 403, { headers: viewer });
    await f.failure('PATCH', `/bots/${mine.id}`, 403, { headers: viewer, payload: { title: 'v' } });

    const bad: [Parameters<typeof f.request>[0], string, object?][] = [
      ['PUT', `/bots/${mine.id}/draft`, { flow: { schemaVersion: 2, nodes: 'x' } }],
      ['PUT', `/bots/${mine.id}/draft`, { flow: helloFlow('x'), revision: 'latest' }],
      ['POST', '/bots', {}],
      ['POST', '/bots', { title: 'X', channels: ['PIGEON'] }],
      ['POST', '/bots', { title: 'X', template_id: 'empty', clone_of: mine.id }],
      ['PATCH', `/bots/${mine.id}`, { priority: 'high' }],
      ['POST', `/bots/${mine.id}/rollback`, { version: 'one' }],
      ['GET', '/bots/abc'],
      ['GET', `/bots/${mine.id}/versions/zero`],
    ];
    for (const [method, url, payload] of bad) {
      const answer = await f.failure(method, url, 400, payload === undefined ? {} : { payload });
      expect(answer.error.code, `${method} ${url}`).toBe('BAD_REQUEST');
    }
    const badHeader = await f.failure('PUT', `/bots/${mine.id}/draft`, 400, {
      headers: { ...f.admin, 'if-match': 'yesterday' },
      payload: { flow: helloFlow('x') },
    });
    expect(badHeader.error.issues).toHaveLength(1);
  });
});
