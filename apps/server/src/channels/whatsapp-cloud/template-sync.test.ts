import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../testing/test-databases.js';
import { cloudHarness, type CloudHarness } from './cloud-harness.js';

describe.each(DIALECTS)('WhatsApp template sync on %s', (dialect) => {
  let h: CloudHarness;
  beforeEach(async () => {
    h = await cloudHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  it('adds and updates template records from the Business Management API', async () => {
    // The admin's "sync templates" button.
    const sync = async () => {
      const answer = await h.t.app.inject({
        method: 'POST',
        url: `/api/native/channels/${String(h.channelId)}/sync-templates`,
        headers: h.admin,
      });
      expect(answer.statusCode).toBe(200);
      return answer.json<{ synced: number }>().synced;
    };

    h.fake.templates = [
      { name: 'order_update', language: 'en_US', category: 'UTILITY', status: 'PENDING', id: '1' },
      { name: 'promo', language: 'de', category: 'MARKETING', status: 'REJECTED', id: '2' },
    ];
    expect(await sync()).toBe(2);
    h.fake.templates = [
      {
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: 'Order {{1}} shipped' }],
        id: '1',
      },
    ];
    await sync();

    const listed = await h.t.app.inject({
      method: 'GET',
      url: '/api/native/templates',
      headers: h.admin,
    });
    expect(listed.json<{ templates: unknown[] }>().templates).toMatchObject([
      {
        channel_id: h.channelId,
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'approved',
        components: [{ type: 'BODY', text: 'Order {{1}} shipped' }],
      },
      { name: 'promo', language: 'de', category: 'MARKETING', status: 'rejected' },
    ]);
  });
});
