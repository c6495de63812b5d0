import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/** Adds a model call's tokens to the account's (and bot's) usage of the day. */
export async function recordUsage(
  db: Db,
  accountId: number,
  promptTokens: number,
  completionTokens: number,
  botId = 0,
  at = Date.now(),
): Promise<void> {
  await db
    .insertInto('ai_usage')
    .values({
      account_id: accountId,
      bot_id: botId,
      day: day(at),
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      requests: 1,
    })
    .onConflict((conflict) =>
      conflict.columns(['account_id', 'bot_id', 'day']).doUpdateSet({
        prompt_tokens: sql`ai_usage.prompt_tokens + ${promptTokens}`,
        completion_tokens: sql`ai_usage.completion_tokens + ${completionTokens}`,
        requests: sql`ai_usage.requests + 1`,
      }),
    )
    .execute();
}

/** Tokens the account used this calendar month (UTC). */
export async function monthTokens(db: Db, accountId: number, at = Date.now()): Promise<number> {
  const month = day(at).slice(0, 7);
  const row = await db
    .selectFrom('ai_usage')
    .select((eb) => eb.fn.sum<number | string>(sql`prompt_tokens + completion_tokens`).as('tokens'))
    .where('account_id', '=', accountId)
    .where('day', '>=', `${month}-01`)
    .where('day', '<=', `${month}-31`)
    .executeTakeFirst();
  return Number(row?.tokens ?? 0);
}
