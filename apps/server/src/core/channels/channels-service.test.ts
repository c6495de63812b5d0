import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DIALECTS } from '../../testing/test-databases.js';

describe.each(DIALECTS)('channels service on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('serves a kept channel to its own account only, and forgets it on update', async () => {
    const { channels } = t.runtime.services;
    const account = t.first.account.id;
    const created = await channels.create(account, {
      type: 'sms',
      provider: 'sandbox',
      name: 'SMS',
      phoneNumber: '+14155550100',
    });
    // Read once: kept in memory from now on.
    expect((await channels.get(account, created.id)).enabled).toBe(1);
    const other = await t.createAccount('Other');
    await expect(channels.get(other.account.id, created.id)).rejects.toMatchObject({
      code: 'CHANNEL_NOT_FOUND',
    });
    // Disabled: the very next read (a send job's, a snapshot's) sees it.
    await channels.update(account, created.id, { enabled: false, name: 'SMS (off)' });
    expect(await channels.get(account, created.id)).toMatchObject({
      enabled: 0,
      name: 'SMS (off)',
    });
  });
});
