import { bearer, type TestApp } from './test-app.js';

/**
 * A workspace ready for conversations, made through the public APIs: sandbox channels
 * standing in for WhatsApp and SMS numbers, an approved and a pending template, and an
 * active agent with a token.
 */
export async function conversationFixture(t: TestApp) {
  const admin = bearer(t.first.accountToken);
  const channel = async (type: string, name: string, phone: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/native/channels',
      headers: admin,
      payload: { type, provider: 'sandbox', name, phone_number: phone },
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    return response.json<{ id: number }>().id;
  };
  const whatsapp = await channel('whatsapp', 'WhatsApp', '+1 415 555 0100');
  const sms = await channel('sms', 'SMS', '+1 415 555 0101');
  for (const [name, status] of [
    ['test_template', 'approved'],
    ['pending_template', 'pending'],
  ] as const) {
    await t.app.inject({
      method: 'PUT',
      url: '/api/native/templates',
      headers: admin,
      payload: { name, language: 'en', status },
    });
  }
  const roles = await t.runtime.services.roles.list(t.first.account.id, { limit: 10, offset: 0 });
  const agentRole = roles.roles.find((entry) => entry.role.name === 'agent')?.role.id ?? 0;
  const invited = await t.runtime.services.users.invite(t.first.account.id, {
    email: 'agent_email@domain.com',
    roleId: agentRole,
    notify: false,
  });
  const key = new URL(invited.invitationLink).searchParams.get('invitation_key') ?? '';
  const agent = await t.runtime.services.users.acceptInvitation(key, 'agent password 1');
  return { admin, whatsapp, sms, agent };
}
