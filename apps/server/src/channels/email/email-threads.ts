import type { OutboundMessage } from '../../core/channels/channel-sender.js';
import type { Db } from '../../storage/database.js';
import type { ChannelContext } from '../adapter.js';

/** What an outbound e-mail needs to land in the contact's thread. */
export interface EmailThread {
  /** The subject of the conversation's first e-mail, when Parley knows it. */
  readonly subject: string | null;
  /** The contact's latest inbound Message-ID (`<id@host>`): the reply's In-Reply-To. */
  readonly inReplyTo: string | null;
  /** Message-IDs of the conversation, oldest first: the reply's References. */
  readonly references: readonly string[];
}

/**
 * Where the adapter learns the thread of a conversation. The adapter interface hands a
 * sender only the message, so this is a port: `storedEmailThreads` reads it from the
 * messages table; without one (`noEmailThread`), mail goes out unthreaded.
 */
export type EmailThreadLookup = (
  context: ChannelContext,
  message: OutboundMessage,
) => Promise<EmailThread>;

export const noEmailThread: EmailThreadLookup = () =>
  Promise.resolve({ subject: null, inReplyTo: null, references: [] });

/** How many ids References carries at most (RFC 5322 lets clients trim the middle). */
const MAX_REFERENCES = 20;

/**
 * The thread from the conversation's stored messages: inbound ones carry the contact's
 * Message-IDs (attachments' derived `…#n` ids are skipped), outbound ones Parley's own.
 * Read-only, scoped by the channel's account. The subject is not stored by the core yet
 * (see docs/channels/email.md), so it is always null here.
 */
export function storedEmailThreads(db: Db): EmailThreadLookup {
  return async (context, message) => {
    const rows = await db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.direction', 'messages.provider_message_id'])
      .where('conversations.account_id', '=', context.channel.account_id)
      .where('conversations.public_id', '=', message.conversationId)
      .where('messages.account_id', '=', context.channel.account_id)
      .where('messages.provider_message_id', 'is not', null)
      .orderBy('messages.id', 'desc')
      .limit(MAX_REFERENCES * 2)
      .execute();
    const ids = rows.flatMap((row) =>
      row.provider_message_id !== null && /^<[^<>\s#]+>$/.test(row.provider_message_id)
        ? [{ id: row.provider_message_id, inbound: row.direction === 'inbound' }]
        : [],
    );
    const references = [...new Set(ids.map((row) => row.id).reverse())];
    return {
      subject: null,
      inReplyTo: ids.find((row) => row.inbound)?.id ?? null,
      references: references.slice(-MAX_REFERENCES),
    };
  };
}
