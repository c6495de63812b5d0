import { uniformConfiguration } from '../core/roles/role-configuration.js';
import { WsTestClient } from '../testing/ws-client.js';
import type { RealtimeTestApp } from './realtime-test-app.js';
import { REALTIME_PATH } from './realtime-test-app.js';

/**
 * Realtime test helpers over a listening app: a sandbox channel, inbound messages through
 * the real HTTP stack, an agent whose role lacks `live_chat.full_access`, and sockets.
 */
export function realtimeFixture(t: Pick<RealtimeTestApp, 'url' | 'first' | 'runtime'>) {
  const accountId = t.first.account.id;
  const adminToken = t.first.accountToken;
  const headers = {
    authorization: `Bearer ${adminToken}`,
    'content-type': 'application/json',
  };

  async function post(path: string, body: unknown): Promise<Response> {
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  async function sandboxChannel(): Promise<number> {
    const response = await post('/api/native/channels', {
      type: 'sms',
      provider: 'sandbox',
      name: 'SMS',
      phone_number: '+14155550100',
    });
    const body: unknown = await response.json();
    return idOf(body);
  }

  /** A contact's message on the sandbox channel; returns the conversation's public id. */
  async function inbound(channelId: number, from: string, text = 'Hello'): Promise<string> {
    const response = await post(`/api/native/channels/${channelId}/sandbox/inbound`, {
      from,
      name: from,
      content: { type: 'text', text },
    });
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null || !('conversation_id' in body))
      throw new Error('no conversation id');
    return String(body.conversation_id);
  }

  /** A user whose role sees only what is assigned to them (or their teams), with a token. */
  async function limitedAgent(email: string): Promise<{ userId: number; token: string }> {
    const { services } = t.runtime;
    const role = await services.customRoles.create(accountId, {
      name: `limited ${email}`,
      configuration: {
        ...uniformConfiguration(false),
        live_chat: { settings: false, full_access: false, human_handover: true },
      },
    });
    const invited = await services.users.invite(accountId, {
      email,
      roleId: role.id,
      notify: false,
    });
    const key = new URL(invited.invitationLink).searchParams.get('invitation_key') ?? '';
    const user = await services.users.acceptInvitation(key, 'agent password 123');
    const issued = await services.tokens.create(accountId, {
      kind: 'user',
      name: email,
      userId: user.id,
    });
    return { userId: user.id, token: issued.secret };
  }

  /** The account's conversation event ids after `since`, as the log has them. */
  async function loggedIds(since: number): Promise<number[]> {
    const rows = await t.runtime.database.db
      .selectFrom('account_events')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '>', since)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** The internal id of a conversation from its public id. */
  async function conversationId(publicId: string): Promise<number> {
    const conversation = await t.runtime.services.conversations.get(accountId, publicId);
    return conversation.id;
  }

  return {
    accountId,
    adminToken,
    sandboxChannel,
    inbound,
    limitedAgent,
    loggedIds,
    conversationId,
  };
}

/** Opens a socket on the realtime endpoint; `query` is appended as given. */
export function connectRealtime(url: string, query = ''): Promise<WsTestClient> {
  return WsTestClient.connect(`${url}${REALTIME_PATH}${query}`);
}

function idOf(body: unknown): number {
  if (typeof body === 'object' && body !== null && 'id' in body && typeof body.id === 'number')
    return body.id;
  throw new Error(`no id in ${JSON.stringify(body)}`);
}
