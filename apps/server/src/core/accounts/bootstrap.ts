import type { Config } from '../../config/config.js';
import type { Db } from '../../storage/database.js';
import { createAccount, type CreatedAccount } from './accounts-service.js';

/**
 * First start: creates the first account exactly once. The `installation` row (primary
 * key 1) is the guard: when several processes start together on one PostgreSQL, only the
 * one whose insert wins creates the account; the others see it already done.
 */
export async function bootstrapFirstAccount(
  db: Db,
  config: Config,
): Promise<CreatedAccount | undefined> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('installation')
      .values({ id: 1, created_at: Date.now() })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return undefined;
    // Accounts made with `parley create-account` before the first start count as set up.
    const existing = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (existing !== undefined) return undefined;
    return createAccount(trx, {
      name: config.bootstrap.accountName,
      adminEmail: config.bootstrap.email ?? 'admin@parley.local',
      adminPassword: config.bootstrap.password,
      accountToken: config.bootstrap.token,
    });
  });
}

export function describeBootstrap(created: CreatedAccount, publicUrl: string): string {
  return [
    '',
    '  Parley is set up. These credentials are shown once; keep them somewhere safe.',
    '',
    `    account id      ${created.account.id}`,
    `    admin e-mail    ${created.admin.email}`,
    `    admin password  ${created.adminPassword}`,
    `    account token   ${created.accountToken}`,
    `    API docs        ${publicUrl}/docs`,
    '',
  ].join('\n');
}
