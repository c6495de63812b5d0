import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountFixture,
  WOTNOT_UNAUTHORIZED as UNAUTHORIZED,
} from '../../testing/account-fixture.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';

/** The seed's request, with real numbers: its "+1212555" and "+111221555" are not valid. */
const SEED_BODY = {
  contacts: [
    {
      name: 'Michael Anderson',
      email: 'michael.anderson@example.com',
      phone: '+12125550100',
      custom_variables: { company: 'Example Company' },
    },
    {
      name: 'Jessica Martinez',
      email: 'jessica.martinez@example.com',
      phone: '+14155550123',
      custom_variables: { company: 'Example Company' },
    },
  ],
};

describe.each(STACKS)('WotNot contacts on $name', (stack) => {
  let t: TestApp;
  let token: string;
  let account: number;
  beforeEach(async () => {
    t = await createTestApp(stack);
    ({ token, account } = accountFixture(t));
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (payload: object, headers = bearer(token), url = '/v1/contacts') =>
    t.app.inject({ method: 'POST', url, headers, payload });

  // The seed documents contacts under POST /v1/conversations; /v1/contacts is Parley's own.
  const PATHS = ['/v1/conversations', '/v1/contacts'];

  it.each(PATHS)(
    'answers the seed example on %s: one contact updated, one created',
    async (url) => {
      // Michael exists already (found by e-mail), as in the seed's answer.
      const existing = await post({ contacts: [{ email: 'michael.anderson@example.com' }] });
      const michael = existing.json<{ created: { id: number; key: string }[] }>().created[0];
      expect(existing.json()).toMatchObject({ created: [{ external_key: null }], updated: [] });

      const response = await post(SEED_BODY, bearer(token), url);
      expect(response.statusCode).toBe(200);
      const body = response.json<Record<string, { id: number; key: string }[]>>();
      expect(Object.keys(body)).toEqual(['created', 'updated']);
      expect(body).toEqual({
        created: [
          {
            id: expect.any(Number) as number,
            external_key: `14155550123_${account}`,
            key: expect.stringMatching(/^[A-Za-z0-9]{32}$/) as string,
            ok: true,
          },
        ],
        updated: [
          // First known by e-mail alone: its phone now gives it the default external key.
          { id: michael?.id, external_key: `12125550100_${account}`, key: michael?.key, ok: true },
        ],
      });
      const stored = await t.app.inject({
        url: `/api/native/contacts/${michael?.id ?? 0}`,
        headers: bearer(token),
      });
      expect(stored.json()).toMatchObject({
        name: 'Michael Anderson',
        phone: '+12125550100',
        variables: { company: 'Example Company' },
      });

      const again = await post(SEED_BODY);
      expect(again.json()).toMatchObject({ created: [], updated: [{ ok: true }, { ok: true }] });
    },
  );

  it.each(PATHS)(
    'answers the seed 400 on %s when a contact has neither email nor phone',
    async (url) => {
      const response = await post({ contacts: [{ name: 'Michael Anderson' }] }, bearer(token), url);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        ok: false,
        error: 'BAD_REQUEST',
        code: 'BAD_REQUEST',
        status: 400,
        message: [
          {
            message: '"contacts[0]" must contain at least one of [email, phone]',
            path: ['contacts', 0],
          },
        ],
      });
      const nested = await post(
        { contacts: [{ email: 'ok@example.com' }, { email: 'not-an-email' }] },
        bearer(token),
        url,
      );
      expect(nested.json()).toMatchObject({
        message: [
          { message: '"contacts[1].email" must be a valid email', path: ['contacts', 1, 'email'] },
        ],
      });
      expect((await post({ contacts: [] }, bearer(token), url)).statusCode).toBe(400);
    },
  );

  it('writes the valid contacts and lists the invalid ones (the seed’s own numbers)', async () => {
    const response = await post({
      contacts: [
        { name: 'Michael Anderson', phone: '+1212555' },
        { name: 'Ann', email: 'ann@example.com' },
      ],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      created: [{ ok: true, external_key: null }],
      updated: [],
      failed: [
        {
          index: 0,
          ok: false,
          error: 'BAD_REQUEST',
          message: '"phone" must be a valid phone number',
        },
      ],
    });
  });

  it('needs the account token or a role with contacts access', async () => {
    const missing = await t.app.inject({ method: 'POST', url: '/v1/contacts', payload: SEED_BODY });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual(UNAUTHORIZED);
    expect((await post(SEED_BODY, bearer('pk_not-a-token'))).json()).toEqual(UNAUTHORIZED);

    const viewer = await accountFixture(t).member('viewer@example.com', 'viewer');
    const denied = await post(SEED_BODY, bearer(viewer.token));
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ ok: false, error: 'PERMISSION_DENIED' });
  });
});
