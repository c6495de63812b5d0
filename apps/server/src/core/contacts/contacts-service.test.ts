import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactsRepository } from '../../storage/repositories/contacts-repository.js';
import { inTransaction } from '../../storage/transaction.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';
import { ContactsService } from './contacts-service.js';

describe.each(DIALECTS)('contacts service on %s', (dialect) => {
  let t: TestApp;
  let contacts: ContactsService;
  let account: number;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    contacts = new ContactsService(t.runtime.context);
    account = t.first.account.id;
  });
  afterEach(async () => {
    await t.close();
  });

  async function channel(accountId: number): Promise<number> {
    const now = Date.now();
    const row = await t.runtime.database.db
      .insertInto('channels')
      .values({
        account_id: accountId,
        type: 'whatsapp',
        provider: 'sandbox',
        name: 'WhatsApp',
        enabled: 1,
        phone_number: null,
        external_id: null,
        public_key: `ch_${String(Math.random()).slice(2)}`,
        config: '{}',
        secrets: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('upserts by e-mail, then by phone: created once, then updated with the same key', async () => {
    const first = await contacts.upsert(account, {
      name: 'Ann',
      email: ' Ann@Example.com ',
      phone: '+1 212-555-0100',
      variables: { plan: 'free', seats: 1 },
    });
    expect(first.created).toBe(true);
    expect(first.contact).toMatchObject({
      email: 'ann@example.com',
      phone: '+12125550100',
      external_key: `12125550100_${account}`,
    });
    expect(first.contact.key).toMatch(/^[A-Za-z0-9]{32}$/);

    const byEmail = await contacts.upsert(account, {
      email: 'ann@example.com',
      variables: { plan: 'pro', vip: true },
    });
    expect(byEmail.created).toBe(false);
    expect(byEmail.contact).toMatchObject({ id: first.contact.id, key: first.contact.key });
    expect(JSON.parse(byEmail.contact.variables)).toEqual({ plan: 'pro', seats: 1, vip: true });

    const byPhone = await contacts.upsert(account, { phone: '12125550100', name: 'Ann B.' });
    expect(byPhone).toMatchObject({ created: false, contact: { id: first.contact.id } });
    expect(byPhone.contact.name).toBe('Ann B.');

    await expect(contacts.upsert(account, { name: 'Nobody' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Either email or phone is mandatory',
    });
    await expect(contacts.upsert(account, { phone: '+1212555' })).rejects.toMatchObject({
      message: '"phone" must be a valid phone number',
    });
  });

  it.each([{ phone: '+14155550123' }, { email: 'race@example.com' }])(
    'keeps one contact when first upserts of %o race',
    async (input) => {
      const results = await Promise.all(
        Array.from({ length: 4 }, () => contacts.upsert(account, input)),
      );
      expect(new Set(results.map((result) => result.contact.id)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
    },
  );

  it('runs each item of a bulk upsert on its own', async () => {
    const results = await contacts.upsertMany(account, [
      { email: 'a@example.com' },
      { phone: 'nope' },
      { email: 'a@example.com', name: 'A' },
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[2]).toMatchObject({ ok: true, created: false });
  });

  it('refuses an external key another contact holds, and frees the default one', async () => {
    const ann = await contacts.create(account, { email: 'ann@example.com', externalKey: 'crm-1' });
    await expect(
      contacts.create(account, { email: 'bob@example.com', externalKey: 'crm-1' }),
    ).rejects.toMatchObject({ message: '"external_key" is already used by another contact' });
    await expect(
      contacts.update(account, ann.id, { externalKey: 'crm-1', name: 'Ann' }),
    ).resolves.toMatchObject({ external_key: 'crm-1', name: 'Ann' });
    // The phone's default key is taken by a contact that kept it after changing numbers.
    const old = await contacts.create(account, { phone: '+12125550100' });
    await contacts.update(account, old.id, { phone: '+12125550199' });
    const next = await contacts.create(account, { phone: '+12125550100' });
    expect(next.external_key).toBeNull();
  });

  it('finds or creates the contact of a channel identity inside the caller’s transaction', async () => {
    const whatsapp = await channel(account);
    const imported = await contacts.upsert(account, { phone: '+12125550100', name: 'Imported' });
    const linked = await inTransaction(t.runtime.database.db, (unit) =>
      contacts.findOrCreateByIdentity(unit, account, whatsapp, '12125550100', {
        phone: '12125550100',
        name: 'From WhatsApp',
      }),
    );
    expect(linked).toMatchObject({ created: false, contact: { id: imported.contact.id } });

    const fresh = await inTransaction(t.runtime.database.db, (unit) =>
      contacts.findOrCreateByIdentity(unit, account, whatsapp, 'visitor-1', {
        name: 'Visitor',
        phone: 'garbage', // an invalid number from a provider is dropped, not fatal
      }),
    );
    expect(fresh).toMatchObject({ created: true, contact: { name: 'Visitor', phone: null } });
    const again = await inTransaction(t.runtime.database.db, (unit) =>
      contacts.findOrCreateByIdentity(unit, account, whatsapp, 'visitor-1'),
    );
    expect(again).toMatchObject({ created: false, contact: { id: fresh.contact.id } });

    // Rolled back with the caller: neither the contact nor the identity remains.
    await expect(
      inTransaction(t.runtime.database.db, async (unit) => {
        await contacts.findOrCreateByIdentity(unit, account, whatsapp, 'visitor-2', {
          name: 'Gone',
        });
        throw new Error('the inbound message could not be stored');
      }),
    ).rejects.toThrow('could not be stored');
    const page = await contacts.search(account, { query: 'Gone', limit: 10 });
    expect(page.contacts).toHaveLength(0);
  });

  it('keeps accounts apart, identities and channels included', async () => {
    const other = await t.createAccount('Other');
    const theirs = await contacts.create(other.account.id, {
      name: 'Theirs',
      phone: '+12125550100',
    });
    const theirChannel = await channel(other.account.id);
    await expect(contacts.get(account, theirs.id)).rejects.toMatchObject({
      code: 'CONTACT_NOT_FOUND',
    });
    await expect(contacts.update(account, theirs.id, { name: 'x' })).rejects.toMatchObject({
      code: 'CONTACT_NOT_FOUND',
    });
    await expect(contacts.block(account, theirs.id)).rejects.toMatchObject({
      code: 'CONTACT_NOT_FOUND',
    });
    const mine = await contacts.upsert(account, { phone: '+12125550100' });
    expect(mine.created).toBe(true);
    await expect(
      inTransaction(t.runtime.database.db, (unit) =>
        contacts.findOrCreateByIdentity(unit, account, theirChannel, 'someone'),
      ),
    ).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND' });
  });

  it('streams every contact in keyset batches', async () => {
    for (let i = 0; i < 25; i++) await contacts.create(account, { name: `c${i}` });
    const repository = new ContactsRepository(t.runtime.database.db, account);
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const batch of repository.streamAll(10)) {
      sizes.push(batch.length);
      names.push(...batch.map((contact) => contact.name ?? ''));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`));
  });
});
