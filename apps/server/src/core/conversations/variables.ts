import type { ConversationRow } from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import { parseVariables } from './snapshots.js';

/** Contact variables with these names set the contact's own fields. */
const CONTACT_FIELDS = new Set(['name', 'email', 'phone']);

/**
 * Applies WotNot-style variables: `conversation` ones live on the conversation, `contact`
 * ones on the contact (name, email and phone update the contact's fields; others its
 * custom variables). Returns the updated conversation.
 */
export async function setVariablesInUnit(
  unit: UnitOfWork,
  conversation: ConversationRow,
  variables: readonly { name: string; type: 'conversation' | 'contact'; value: unknown }[],
): Promise<ConversationRow> {
  const accountId = conversation.account_id;
  const now = Date.now();
  const conversationVariables = parseVariables(conversation.variables);
  for (const variable of variables) {
    if (variable.type === 'conversation') conversationVariables[variable.name] = variable.value;
  }
  const contactVariables = variables.filter((variable) => variable.type === 'contact');
  if (contactVariables.length > 0) {
    const contact = await unit.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', conversation.contact_id)
      .executeTakeFirstOrThrow();
    const custom = parseVariables(contact.variables);
    const fields: { name?: string; email?: string; phone?: string } = {};
    for (const variable of contactVariables) {
      const value =
        typeof variable.value === 'string' ? variable.value : JSON.stringify(variable.value);
      if (CONTACT_FIELDS.has(variable.name)) {
        if (variable.name === 'email') fields.email = value.trim().toLowerCase();
        else if (variable.name === 'phone') fields.phone = value;
        else fields.name = value;
      } else {
        custom[variable.name] = variable.value;
      }
    }
    await unit.db
      .updateTable('contacts')
      .set({ ...fields, variables: JSON.stringify(custom), updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', contact.id)
      .execute();
  }
  const json = JSON.stringify(conversationVariables);
  await unit.db
    .updateTable('conversations')
    .set({ variables: json, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', conversation.id)
    .execute();
  return { ...conversation, variables: json };
}
