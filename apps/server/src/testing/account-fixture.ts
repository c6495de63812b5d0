import { bearer, type TestApp } from './test-app.js';

/** The WotNot 401 every user endpoint answers to a bad or foreign token. */
export const WOTNOT_UNAUTHORIZED = {
  ok: false,
  error: 'UNAUTHORIZED',
  code: 'UNAUTHORIZED',
  status: 401,
  message: 'Invalid token. Provide the valid account token.',
};

/** Helpers over the first account of a test app, through its public APIs only. */
export function accountFixture(t: TestApp) {
  const account = t.first.account.id;
  const token = t.first.accountToken;

  async function roleId(name: string): Promise<number> {
    const response = await t.app.inject({
      url: `/v1/accounts/${account}/user-roles`,
      headers: bearer(token),
    });
    const body: { roles: { id: number; role_name: string }[] } = response.json();
    const role = body.roles.find((candidate) => candidate.role_name === name);
    if (role === undefined) throw new Error(`no role ${name}`);
    return role.id;
  }

  /** Invites a person, accepts the invitation, and returns a user token for them. */
  async function member(email: string, role: string): Promise<{ id: number; token: string }> {
    const invite = await t.app.inject({
      method: 'POST',
      url: `/v1/accounts/${account}/user`,
      headers: bearer(token),
      payload: { user: { email, role_id: String(await roleId(role)) } },
    });
    const key = new URL(
      invite.json<{ invitation_link: string }>().invitation_link,
    ).searchParams.get('invitation_key');
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/native/invitations/accept',
      payload: { invitation_key: key, password: 'correct horse battery' },
    });
    if (accepted.statusCode !== 200)
      throw new Error(`accepting the invitation failed: ${accepted.body}`);
    const id = accepted.json<{ id: number }>().id;
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/native/tokens',
      headers: bearer(token),
      payload: { kind: 'user', name: email, user_id: id },
    });
    if (issued.statusCode !== 201) throw new Error(`issuing a token failed: ${issued.body}`);
    return { id, token: issued.json<{ token: string }>().token };
  }

  return { account, token, roleId, member };
}
