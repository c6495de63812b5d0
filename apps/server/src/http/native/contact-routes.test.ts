import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../core/contacts/csv.js';
import { accountFixture } from '../../testing/account-fixture.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';

interface ContactBody {
  id: number;
  key: string;
  external_key: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  variables: Record<string, unknown>;
  blocked: boolean;
}

describe.each(STACKS)('native contacts API on $name', (stack) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(stack);
    admin = bearer(t.first.accountToken);
  });
  afterEach(async () => {
    await t.close();
  });

  async function create(payload: object, headers = admin): Promise<ContactBody> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/native/contacts',
      headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<ContactBody>();
  }

  it('creates, reads, edits, blocks and unblocks a contact', async () => {
    const created = await create({
      name: 'Ann',
      email: 'Ann@Example.com',
      phone: '+1 212-555-0100',
      variables: { plan: 'free', seats: 2 },
    });
    expect(created).toMatchObject({
      email: 'ann@example.com',
      phone: '+12125550100',
      external_key: `12125550100_${t.first.account.id}`,
      blocked: false,
    });
    const url = `/api/native/contacts/${created.id}`;
    expect((await t.app.inject({ url, headers: admin })).json()).toEqual(created);

    const patched = await t.app.inject({
      method: 'PATCH',
      url,
      headers: admin,
      payload: { name: null, variables: { plan: 'pro' } },
    });
    expect(patched.json()).toMatchObject({ name: null, variables: { plan: 'pro', seats: 2 } });

    const badPhone = await t.app.inject({
      method: 'PATCH',
      url,
      headers: admin,
      payload: { phone: '+1212555' },
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: '"phone" must be a valid phone number' },
    });

    const blocked = await t.app.inject({ method: 'POST', url: `${url}/block`, headers: admin });
    expect(blocked.json()).toMatchObject({ blocked: true });
    const unblocked = await t.app.inject({ method: 'POST', url: `${url}/unblock`, headers: admin });
    expect(unblocked.json()).toMatchObject({ blocked: false });
  });

  it('searches by name, e-mail or phone digits and pages by cursor', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `Ann ${i}`, email: `ann${i}@example.com` });
    const bob = await create({ name: 'Bob 100%', phone: '+44 20 7946 0958' });
    await t.app.inject({
      method: 'POST',
      url: `/api/native/contacts/${bob.id}/block`,
      headers: admin,
    });
    const search = async (query: string) =>
      (await t.app.inject({ url: `/api/native/contacts?${query}`, headers: admin })).json<{
        contacts: ContactBody[];
        next_cursor: string | null;
      }>();

    expect((await search('q=bob')).contacts.map((c) => c.id)).toEqual([bob.id]);
    expect((await search('q=7946%200958')).contacts.map((c) => c.id)).toEqual([bob.id]);
    expect((await search('q=100%25')).contacts.map((c) => c.id)).toEqual([bob.id]);
    expect((await search('q=%25')).contacts).toHaveLength(1); // % is literal, not a wildcard
    expect((await search('q=ANN3@')).contacts.map((c) => c.email)).toEqual(['ann3@example.com']);
    expect((await search('blocked=true')).contacts.map((c) => c.id)).toEqual([bob.id]);
    expect((await search('blocked=false')).contacts).toHaveLength(5);

    const first = await search('q=ann&limit=2');
    expect(first.contacts.map((c) => c.name)).toEqual(['Ann 0', 'Ann 1']);
    const second = await search(`q=ann&limit=2&cursor=${first.next_cursor ?? ''}`);
    expect(second.contacts.map((c) => c.name)).toEqual(['Ann 2', 'Ann 3']);
    const last = await search(`q=ann&limit=2&cursor=${second.next_cursor ?? ''}`);
    expect(last).toMatchObject({ contacts: [{ name: 'Ann 4' }], next_cursor: null });
  });

  it('lets any member read, and only contacts.full_access write, export and import', async () => {
    const contact = await create({ name: 'Ann', email: 'ann@example.com' });
    const viewer = bearer((await accountFixture(t).member('viewer@example.com', 'viewer')).token);
    expect((await t.app.inject({ url: '/api/native/contacts', headers: viewer })).statusCode).toBe(
      200,
    );
    const url = `/api/native/contacts/${contact.id}`;
    expect((await t.app.inject({ url, headers: viewer })).statusCode).toBe(200);
    const denied = [
      await t.app.inject({ method: 'PATCH', url, headers: viewer, payload: { name: 'x' } }),
      await t.app.inject({ method: 'POST', url: `${url}/block`, headers: viewer }),
      await t.app.inject({ url: '/api/native/contacts/export.csv', headers: viewer }),
      await t.app.inject({
        method: 'POST',
        url: '/api/native/contacts/import',
        headers: { ...viewer, 'content-type': 'text/csv' },
        payload: 'email\nx@example.com\n',
      }),
    ];
    for (const response of denied) {
      expect(response.json()).toMatchObject({
        error: { code: 'PERMISSION_DENIED', details: { permission: 'contacts.full_access' } },
      });
    }
    const agent = bearer((await accountFixture(t).member('agent@example.com', 'agent')).token);
    expect((await create({ name: 'By agent' }, agent)).name).toBe('By agent');
    expect((await t.app.inject({ url: '/api/native/contacts' })).statusCode).toBe(401);
  });

  it('never shows or changes another account’s contact', async () => {
    const other = await t.createAccount('Other');
    const theirs = await create({ name: 'Theirs' }, bearer(other.accountToken));
    const url = `/api/native/contacts/${theirs.id}`;
    for (const response of [
      await t.app.inject({ url, headers: admin }),
      await t.app.inject({ method: 'PATCH', url, headers: admin, payload: { name: 'x' } }),
      await t.app.inject({ method: 'POST', url: `${url}/block`, headers: admin }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'CONTACT_NOT_FOUND' } });
    }
    const listed = await t.app.inject({ url: '/api/native/contacts', headers: admin });
    expect(listed.json()).toMatchObject({ contacts: [] });
    const exported = await t.app.inject({ url: '/api/native/contacts/export.csv', headers: admin });
    expect([...parseCsv(exported.body)]).toHaveLength(1); // the header only
  });
});
