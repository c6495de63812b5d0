import { z } from 'zod';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { Db } from '../../storage/database.js';
import type { ChannelRow, ContactRow } from '../../storage/schema-conversations.js';
import {
  ChannelSendError,
  type ChannelSender,
  type OutboundMessage,
  type SendResult,
} from '../channels/channel-sender.js';
import { parseVariables } from '../conversations/snapshots.js';
import { signWebhook } from '../webhooks/webhook-signature.js';

/** The contact variable holding the URL a bot chat user's later messages are POSTed to. */
export const WEBHOOK_VARIABLE = 'bot_chat_webhook_url';

const url = z.url({ protocol: /^https?$/ });

function webhookUrlOf(variables: string): string | undefined {
  const parsed = url.safeParse(parseVariables(variables)[WEBHOOK_VARIABLE]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Delivers bot messages on a bot chat channel. Every bot message is returned by `start` /
 * `continue` when it belongs to that turn; when the user gave a `webhook_url`, every bot
 * message is also POSTed there, signed with the bot key (the one secret both sides hold):
 * that is how messages produced later (after a Delay, a slow call) reach the integrator.
 * The body carries the message id, so one already returned synchronously is recognised.
 * Without a URL a message is simply marked sent, as the response already carried it.
 */
export class BotChatSender implements ChannelSender {
  readonly provider = 'bot_chat';

  constructor(
    private readonly db: Db,
    private readonly http: GuardedHttpClient,
  ) {}

  /**
   * A message to a caller without a webhook is delivered by the HTTP answer that returns it:
   * nothing to send (MessagesService marks it sent in its own transaction).
   */
  deliveredOnCommit(_channel: ChannelRow, contact: ContactRow): boolean {
    return webhookUrlOf(contact.variables) === undefined;
  }

  async send(channel: ChannelRow, message: OutboundMessage): Promise<SendResult> {
    const target = await this.#webhookOf(channel, message.recipient.externalId);
    if (target === undefined) return { providerMessageId: message.id };
    const body = JSON.stringify({
      type: 'message',
      bot_key: channel.external_id,
      user_id: message.recipient.externalId,
      conversation_id: message.conversationId,
      message: { id: message.id, content: message.content },
    });
    const timestamp = Math.floor(Date.now() / 1_000);
    let status: number;
    try {
      const response = await this.http.fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-parley-delivery': message.id,
          'x-parley-timestamp': String(timestamp),
          'x-parley-signature': signWebhook(channel.external_id ?? '', timestamp, body),
        },
        body,
      });
      status = response.status;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ChannelSendError(`The bot chat webhook could not be reached: ${reason}`, true);
    }
    if (status >= 200 && status < 300) return { providerMessageId: message.id };
    const retryable = status >= 500 || status === 408 || status === 429;
    throw new ChannelSendError(`The bot chat webhook answered ${String(status)}`, retryable);
  }

  async #webhookOf(channel: ChannelRow, userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('contact_identities')
      .innerJoin('contacts', 'contacts.id', 'contact_identities.contact_id')
      .select('contacts.variables')
      .where('contact_identities.account_id', '=', channel.account_id)
      .where('contacts.account_id', '=', channel.account_id)
      .where('contact_identities.channel_id', '=', channel.id)
      .where('contact_identities.external_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : webhookUrlOf(row.variables);
  }
}
