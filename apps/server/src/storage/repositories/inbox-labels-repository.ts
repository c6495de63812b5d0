import type { Db } from '../database.js';
import type { LabelRow } from '../schema-conversations.js';

/** A label's color when none is given (the column's default in migration 0002). */
export const DEFAULT_LABEL_COLOR = '#6b7280';

/** Ids per `in (…)` list: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

/** Labels of one account and which conversations carry them. Every query is account-scoped. */
export class InboxLabelsRepository {
  constructor(
    private readonly db: Db,
    private readonly accountId: number,
  ) {}

  list(): Promise<LabelRow[]> {
    return this.db
      .selectFrom('labels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('name')
      .execute();
  }

  findByName(name: string): Promise<LabelRow | undefined> {
    return this.db
      .selectFrom('labels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async findByNames(names: readonly string[]): Promise<LabelRow[]> {
    if (names.length === 0) return [];
    return this.db
      .selectFrom('labels')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('name', 'in', names)
      .execute();
  }

  /** Creates a label; undefined when the account already has one of that name. */
  insert(name: string, color: string | undefined): Promise<LabelRow | undefined> {
    return this.db
      .insertInto('labels')
      .values({
        account_id: this.accountId,
        name,
        color: color ?? DEFAULT_LABEL_COLOR,
        created_at: Date.now(),
      })
      .onConflict((conflict) => conflict.columns(['account_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** Creates whichever of the names do not exist yet (a concurrent creator is no error). */
  async insertMissing(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const now = Date.now();
    await this.db
      .insertInto('labels')
      .values(
        names.map((name) => ({
          account_id: this.accountId,
          name,
          color: DEFAULT_LABEL_COLOR,
          created_at: now,
        })),
      )
      .onConflict((conflict) => conflict.columns(['account_id', 'name']).doNothing())
      .execute();
  }

  /** Deletes a label (its conversation links cascade); false when there was none. */
  async remove(id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('labels')
      .where('account_id', '=', this.accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  ofConversation(conversationId: number): Promise<LabelRow[]> {
    return this.db
      .selectFrom('conversation_labels')
      .innerJoin('labels', 'labels.id', 'conversation_labels.label_id')
      .selectAll('labels')
      .where('conversation_labels.account_id', '=', this.accountId)
      .where('conversation_labels.conversation_id', '=', conversationId)
      .execute();
  }

  async link(conversationId: number, labelIds: readonly number[]): Promise<void> {
    if (labelIds.length === 0) return;
    const now = Date.now();
    await this.db
      .insertInto('conversation_labels')
      .values(
        labelIds.map((labelId) => ({
          account_id: this.accountId,
          conversation_id: conversationId,
          label_id: labelId,
          created_at: now,
        })),
      )
      // Two editors adding the same label at once: the second insert is a no-op.
      .onConflict((conflict) => conflict.columns(['conversation_id', 'label_id']).doNothing())
      .execute();
  }

  /** Conversations that carry the label. */
  async conversationsWith(labelId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('conversation_labels')
      .select('conversation_id')
      .where('account_id', '=', this.accountId)
      .where('label_id', '=', labelId)
      .execute();
    return rows.map((row) => row.conversation_id);
  }

  /**
   * Writes `conversations.label_names`, the cache the inbox list and event snapshots read
   * instead of joining conversation_labels. Names are sorted here, not by SQL, because the
   * engines' collations order them differently. Returns the JSON written.
   */
  async setCachedNames(conversationId: number, names: readonly string[]): Promise<string> {
    const json = JSON.stringify([...names].sort());
    await this.db
      .updateTable('conversations')
      .set({ label_names: json, updated_at: Date.now() })
      .where('account_id', '=', this.accountId)
      .where('id', '=', conversationId)
      .execute();
    return json;
  }

  /** Rewrites the cache of each conversation from conversation_labels (the truth). */
  async refreshCachedNames(conversationIds: readonly number[]): Promise<void> {
    for (let start = 0; start < conversationIds.length; start += CHUNK) {
      const ids = conversationIds.slice(start, start + CHUNK);
      const rows = await this.db
        .selectFrom('conversation_labels')
        .innerJoin('labels', 'labels.id', 'conversation_labels.label_id')
        .select(['conversation_labels.conversation_id', 'labels.name'])
        .where('conversation_labels.account_id', '=', this.accountId)
        .where('conversation_labels.conversation_id', 'in', ids)
        .execute();
      for (const id of ids) {
        const names = rows.filter((row) => row.conversation_id === id).map((row) => row.name);
        await this.setCachedNames(id, names);
      }
    }
  }

  async unlink(conversationId: number, labelIds: readonly number[]): Promise<void> {
    if (labelIds.length === 0) return;
    await this.db
      .deleteFrom('conversation_labels')
      .where('account_id', '=', this.accountId)
      .where('conversation_id', '=', conversationId)
      .where('label_id', 'in', labelIds)
      .execute();
  }
}
