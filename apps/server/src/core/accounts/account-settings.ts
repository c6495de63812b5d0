import { z } from 'zod';
import { variableNameSchema } from '../../engine/variable-name.js';
import type { Db } from '../../storage/database.js';

/**
 * Per-account behaviour and plan limits. Limits are what WotNot calls "user limit
 * validation": null means unlimited (self-hosted default).
 */
export const accountSettingsSchema = z.object({
  /** A new inbound message on a closed conversation reopens it (else starts a new one). */
  reopenOnInbound: z.boolean().default(true),
  limits: z
    .object({
      /** Conversations created per calendar month (UTC). */
      conversationsPerMonth: z.number().int().min(0).nullable().default(null),
      /** Agents (active human users, oldest first) who may act in conversations. */
      agentSeats: z.number().int().min(0).nullable().default(null),
      /** Bots the account may have. */
      bots: z.number().int().min(0).nullable().default(null),
      /** Knowledge bases the account may have. */
      knowledgeBases: z.number().int().min(0).nullable().default(null),
      /** Web pages (single URLs and crawled domains' pages) across the account's knowledge bases. */
      knowledgeBaseUrls: z.number().int().min(0).nullable().default(null),
      /** AI tokens (prompt + completion) per calendar month (UTC). */
      aiTokensPerMonth: z.number().int().min(0).nullable().default(null),
    })
    .default({
      conversationsPerMonth: null,
      agentSeats: null,
      bots: null,
      knowledgeBases: null,
      knowledgeBaseUrls: null,
      aiTokensPerMonth: null,
    }),
  /** Global variables: every flow of the account reads them as `{{global.<name>}}`. */
  variables: z
    .record(
      variableNameSchema,
      z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]),
    )
    .default({}),
});

export type AccountSettings = z.infer<typeof accountSettingsSchema>;

export async function readAccountSettings(db: Db, accountId: number): Promise<AccountSettings> {
  const row = await db
    .selectFrom('account_settings')
    .select('settings')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return accountSettingsSchema.parse(row === undefined ? {} : JSON.parse(row.settings));
}

export async function writeAccountSettings(
  db: Db,
  accountId: number,
  settings: AccountSettings,
): Promise<void> {
  const json = JSON.stringify(accountSettingsSchema.parse(settings));
  const now = Date.now();
  await db
    .insertInto('account_settings')
    .values({ account_id: accountId, settings: json, updated_at: now })
    .onConflict((conflict) =>
      conflict.column('account_id').doUpdateSet({ settings: json, updated_at: now }),
    )
    .execute();
}
