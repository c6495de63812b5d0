import { z } from 'zod';
import { conversationFixture } from '../../testing/conversation-fixture.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import type { Environment } from '../../config/config.js';
import type { DialectName } from '../../storage/dialects/dialect.js';
import type { BotRunnerOptions } from './bot-runner.js';

export interface Node {
  id: string;
  type: string;
  data?: Record<string, unknown>;
}

/** A flow document from nodes and `source[:handle]->target` edges. */
export function flow(nodes: Node[], edges: string[], variables: unknown[] = []) {
  return {
    schemaVersion: 1,
    variables,
    nodes: nodes.map((node, i) => ({
      id: node.id,
      type: node.type,
      data: node.data ?? {},
      position: { x: 0, y: i * 100 },
    })),
    edges: edges.map((spec, i) => {
      const [from = '', target = ''] = spec.split('->');
      const colon = from.indexOf(':');
      const source = colon === -1 ? from : from.slice(0, colon);
      const sourceHandle = colon === -1 ? null : from.slice(colon + 1);
      return { id: `e${i}`, source, sourceHandle, target };
    }),
  };
}

const contentText = z.object({ text: z.string() }).catch({ text: '?' });

/**
 * A test app (the bot runner is part of every runtime), an SMS sandbox channel, and helpers
 * to deploy a bot and to talk to it as a contact.
 */
export async function botHarness(
  dialect: DialectName,
  options: BotRunnerOptions = {},
  env: Environment = {},
) {
  const t: TestApp = await createTestApp(dialect, env, { runtime: { bots: options } });
  const fixture = await conversationFixture(t);
  const headers = { ...fixture.admin, 'content-type': 'application/json' };
  const db = t.runtime.database.db;
  const accountId = t.first.account.id;

  const post = async (url: string, payload: unknown) => {
    const response = await t.app.inject({
      method: 'POST',
      url,
      headers,
      payload: JSON.stringify(payload),
    });
    if (response.statusCode >= 300) throw new Error(`${url}: ${response.body}`);
    return response;
  };

  return {
    t,
    db,
    accountId,
    /** The admin's authorization header. */
    admin: fixture.admin,
    /** Creates an SMS bot through the WotNot API, deploys the flow and activates it. */
    async deploy(document: unknown, channel = 'SMS'): Promise<number> {
      const created = await post('/v1/bot', { name: 'Bot', channel });
      const { id } = created.json<{ id: number }>();
      // Deploying publishes the bot: it answers on its channels from now on.
      await post(`/v1/bots/${id}/deploy`, { flow_diagram: JSON.stringify(document) });
      return id;
    },
    /** A contact's text message on the SMS sandbox channel; resolves to the conversation. */
    async say(text: string, from = '+14155550199'): Promise<string> {
      const response = await post(`/api/native/channels/${fixture.sms}/sandbox/inbound`, {
        from,
        content: { type: 'text', text },
      });
      return response.json<{ conversation_id: string }>().conversation_id;
    },
    async conversation(publicId: string) {
      return db
        .selectFrom('conversations')
        .selectAll()
        .where('public_id', '=', publicId)
        .executeTakeFirstOrThrow();
    },
    /** The texts of a conversation's messages in stored order, `>` inbound, `<` outbound. */
    async transcript(publicId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.direction', 'messages.content'])
        .where('conversations.public_id', '=', publicId)
        .orderBy('messages.id')
        .execute();
      return rows.map(
        (row) =>
          `${row.direction === 'inbound' ? '>' : '<'} ${contentText.parse(JSON.parse(row.content)).text}`,
      );
    },
    /** The contact's conversation on a channel, found by the contact's phone. */
    async conversationWith(phone: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select('conversations.public_id')
        .where('contacts.phone', '=', phone)
        .executeTakeFirst();
      return row?.public_id;
    },
    async createTeam(name: string): Promise<number> {
      const created = await t.runtime.services.teams.create(accountId, { name });
      return created.team.id;
    },
  };
}
