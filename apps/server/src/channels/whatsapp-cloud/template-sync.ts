import type { Db } from '../../storage/database.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import type { WhatsAppTemplate } from './templates.js';

/**
 * Writes templates fetched from Meta (`WhatsAppCloudAdapter.listTemplates`) into the
 * account's template records, by name and language as `PUT /api/native/templates` does:
 * new ones are added, known ones take Meta's category, status and components. Templates
 * missing from Meta's answer are left alone (another channel of the account may own them).
 */
export async function syncTemplates(
  db: Db,
  channel: ChannelRow,
  templates: readonly WhatsAppTemplate[],
  now: number = Date.now(),
): Promise<number> {
  for (const template of templates) {
    const values = {
      channel_id: channel.id,
      category: template.category,
      status: template.status,
      components: JSON.stringify(template.components),
      updated_at: now,
    };
    await db
      .insertInto('templates')
      .values({
        account_id: channel.account_id,
        name: template.name,
        language: template.language,
        created_at: now,
        ...values,
      })
      .onConflict((conflict) =>
        conflict.columns(['account_id', 'name', 'language']).doUpdateSet(values),
      )
      .execute();
  }
  return templates.length;
}
