import { contactKey } from '../ids.js';
import type { ChannelRow, ContactRow } from '../../storage/schema-conversations.js';
import type { UnitOfWork } from '../../storage/transaction.js';

export interface ContactHint {
  /** The contact's id on the channel: wa_id, phone, PSID, chat id, e-mail. */
  readonly externalId: string;
  readonly phone?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly name?: string | null | undefined;
}

/**
 * Finds the contact a channel identity belongs to, in the caller's transaction: by the
 * identity itself, else by phone or e-mail (linking the identity), else a new contact.
 */
export async function resolveContact(
  unit: UnitOfWork,
  channel: ChannelRow,
  hint: ContactHint,
): Promise<{ contact: ContactRow; created: boolean }> {
  const { db } = unit;
  const accountId = channel.account_id;
  const identity = await db
    .selectFrom('contact_identities')
    .innerJoin('contacts', 'contacts.id', 'contact_identities.contact_id')
    .selectAll('contacts')
    .where('contact_identities.account_id', '=', accountId)
    .where('contact_identities.channel_id', '=', channel.id)
    .where('contact_identities.external_id', '=', hint.externalId)
    .executeTakeFirst();
  if (identity !== undefined) return { contact: identity, created: false };

  const email = hint.email?.trim().toLowerCase() ?? null;
  const phone = hint.phone ?? null;
  const existing =
    (phone === null
      ? undefined
      : await db
          .selectFrom('contacts')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('phone', '=', phone)
          .orderBy('id')
          .executeTakeFirst()) ??
    (email === null
      ? undefined
      : await db
          .selectFrom('contacts')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('email', '=', email)
          .orderBy('id')
          .executeTakeFirst());
  const now = Date.now();
  const contact =
    existing ??
    (await db
      .insertInto('contacts')
      .values({
        account_id: accountId,
        key: contactKey(),
        external_key: phone === null ? null : `${phone.replace(/\D/g, '')}_${accountId}`,
        name: hint.name ?? null,
        email,
        phone,
        variables: '{}',
        blocked: 0,
        created_at: now,
        updated_at: now,
        last_activity_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow());
  await db
    .insertInto('contact_identities')
    .values({
      account_id: accountId,
      contact_id: contact.id,
      channel_id: channel.id,
      external_id: hint.externalId,
      created_at: now,
    })
    .onConflict((conflict) => conflict.columns(['channel_id', 'external_id']).doNothing())
    .execute();
  return { contact, created: existing === undefined };
}
