import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
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

const liveFlow = z.object({
  nodes: z.array(z.object({ id: z.string(), data: z.record(z.string(), z.unknown()) })),
});

interface VersionBody {
  version: number;
  deployed: boolean;
  restored_from: number | null;
  created_by: { id: number; email: string } | null;
  created_at: string;
}

describe.each(STACKS)('native bot versions on $name', (stack) => {
  let t: TestApp;
  let f: ReturnType<typeof botEditorFixture>;
  beforeEach(async () => {
    t = await createTestApp(stack);
    f = botEditorFixture(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** The text of the `hello` node of the flow the WotNot route says the bot runs. */
  async function liveText(botId: number): Promise<unknown> {
    const response = await t.app.inject({ url: `/v1/bots/${botId}/flow`, headers: f.admin });
    const flow = liveFlow.parse(JSON.parse(response.json<{ data: string }>().data));
    return flow.nodes.find((node) => node.id === 'hello')?.data.text;
  }

  it('refuses to deploy an invalid draft naming its nodes, then deploys versions 1 and 2', async () => {
    const bot = await f.createBot('Versioned');
    await f.saveDraft(bot.id, brokenFlow);
    const invalid = await f.failure('POST', `/bots/${bot.id}/deploy`, 400);
    expect(invalid.error.code).toBe('INVALID_FLOW');
    const problems = invalid.error.details?.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ node_id: 'mystery' }),
        expect.objectContaining({ node_id: 'hello' }),
      ]),
    );
    expect((await f.call<BotBody>('GET', `/bots/${bot.id}`)).deployed_version).toBeNull();
    expect(
      (await f.call<{ versions: unknown[] }>('GET', `/bots/${bot.id}/versions`)).versions,
    ).toHaveLength(0);

    const v1 = await f.saveDraft(bot.id, helloFlow('one'));
    const first = await f.deploy(bot.id);
    expect(first.version).toBe(1);
    expect(first.bot).toMatchObject({ deployed_version: 1, active: true });
    // Deploying what was saved leaves the editor's revision valid.
    expect(first.bot.draft_revision).toBe(v1.revision);
    expect(await liveText(bot.id)).toBe('one');

    const builder = await accountFixture(t).member('builder@example.com', 'bot builder');
    const v2 = await f.saveDraft(bot.id, helloFlow('two'), v1.revision);
    const stale = await f.failure('POST', `/bots/${bot.id}/deploy`, 409, {
      headers: { ...bearer(builder.token), 'if-match': `"${v1.revision}"` },
    });
    expect(stale.error.code).toBe('DRAFT_REVISION_CONFLICT');
    const second = await f.deploy(bot.id, {
      ...bearer(builder.token),
      'if-match': `"${v2.revision}"`,
    });
    expect(second.version).toBe(2);
    expect(await liveText(bot.id)).toBe('two');

    const { versions } = await f.call<{ versions: VersionBody[] }>(
      'GET',
      `/bots/${bot.id}/versions`,
    );
    expect(versions.map((version) => [version.version, version.deployed])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(versions[0]?.created_by).toMatchObject({ id: builder.id, email: 'builder@example.com' });
    expect(versions[1]?.created_by).toBeNull();
    const paged = await f.call<{ versions: VersionBody[] }>(
      'GET',
      `/bots/${bot.id}/versions?limit=1&offset=1`,
    );
    expect(paged.versions.map((version) => version.version)).toEqual([1]);

    const one = await f.call<VersionBody & { flow: DraftBody['flow'] }>(
      'GET',
      `/bots/${bot.id}/versions/1`,
    );
    expect(one).toMatchObject({ version: 1, deployed: false, restored_from: null });
    expect(one.flow.nodes[1]?.data).toEqual({ text: 'one' });
    const missing = await f.failure('GET', `/bots/${bot.id}/versions/9`, 404);
    expect(missing.error.code).toBe('FLOW_VERSION_NOT_FOUND');
  });

  it('rolls back to version 1 as a new version 3 and resets the draft to it', async () => {
    const bot = await f.createBot('Rolled');
    await f.saveDraft(bot.id, helloFlow('one'));
    await f.deploy(bot.id);
    await f.saveDraft(bot.id, helloFlow('two'));
    await f.deploy(bot.id);
    const editing = await f.saveDraft(bot.id, helloFlow('work in progress'));

    const stale = await f.failure('POST', `/bots/${bot.id}/rollback`, 409, {
      payload: { version: 1, revision: editing.revision - 1 },
    });
    expect(stale.error.code).toBe('DRAFT_REVISION_CONFLICT');
    expect(await liveText(bot.id)).toBe('two');

    const rolled = await f.call<{ version: number; bot: BotBody }>(
      'POST',
      `/bots/${bot.id}/rollback`,
      { payload: { version: 1, revision: editing.revision }, status: 200 },
    );
    expect(rolled.version).toBe(3);
    expect(rolled.bot.deployed_version).toBe(3);
    expect(await liveText(bot.id)).toBe('one');
    const draft = await f.call<DraftBody>('GET', `/bots/${bot.id}/draft`);
    expect(draft.flow.nodes[1]?.data).toEqual({ text: 'one' });
    expect(draft.revision).toBe(rolled.bot.draft_revision);
    expect(draft.revision).toBeGreaterThan(editing.revision);

    const { versions } = await f.call<{ versions: VersionBody[] }>(
      'GET',
      `/bots/${bot.id}/versions`,
    );
    expect(
      versions.map((version) => [version.version, version.deployed, version.restored_from]),
    ).toEqual([
      [3, true, 1],
      [2, false, null],
      [1, false, null],
    ]);

    // Rolling back to the live version creates nothing; it only discards draft changes.
    await f.saveDraft(bot.id, helloFlow('scratch'));
    const reset = await f.call<{ version: number }>('POST', `/bots/${bot.id}/rollback`, {
      payload: { version: 3 },
      status: 200,
    });
    expect(reset.version).toBe(3);
    const after = await f.call<DraftBody>('GET', `/bots/${bot.id}/draft`);
    expect(after.flow.nodes[1]?.data).toEqual({ text: 'one' });
    const count = await f.call<{ versions: unknown[] }>('GET', `/bots/${bot.id}/versions`);
    expect(count.versions).toHaveLength(3);
    const unknown = await f.failure('POST', `/bots/${bot.id}/rollback`, 404, {
      payload: { version: 7 },
    });
    expect(unknown.error.code).toBe('FLOW_VERSION_NOT_FOUND');
  });
});
