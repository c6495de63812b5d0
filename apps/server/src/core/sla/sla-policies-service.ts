import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { inTransaction } from '../../storage/transaction.js';
import type { SlaPolicyRow } from '../../storage/schema-conversations.js';

export interface SlaPolicyInput {
  readonly name: string;
  readonly first_response_seconds: number | null;
  readonly next_response_seconds: number | null;
  readonly resolution_seconds: number | null;
  /** The policy new conversations get. One per account: setting it clears the others. */
  readonly is_default: boolean;
}

/** The account's SLA policies; the default one is kept in memory for every new conversation. */
export class SlaPoliciesService {
  constructor(private readonly context: ServiceContext) {}

  list(accountId: number): Promise<SlaPolicyRow[]> {
    return this.context.db
      .selectFrom('sla_policies')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  }

  create(accountId: number, input: SlaPolicyInput): Promise<SlaPolicyRow> {
    const { is_default, ...targets } = input;
    const now = Date.now();
    return inTransaction(this.context.db, async (unit) => {
      if (is_default) {
        await unit.db
          .updateTable('sla_policies')
          .set({ is_default: 0 })
          .where('account_id', '=', accountId)
          .execute();
        this.context.caches.changedOnCommit(unit, accountId, 'sla_policies');
      }
      return unit.db
        .insertInto('sla_policies')
        .values({
          account_id: accountId,
          ...targets,
          is_default: is_default ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async remove(accountId: number, id: number): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const result = await unit.db
        .deleteFrom('sla_policies')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new DomainError('RESOURCE_NOT_FOUND');
      this.context.caches.changedOnCommit(unit, accountId, 'sla_policies');
    });
  }
}
