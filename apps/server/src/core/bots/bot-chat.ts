import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageContentSchema, type MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { MAX_CALL_TIMEOUT_MS } from '../../engine/blocks/calls.js';
import type { Services } from '../../runtime.js';
import type { ChannelRow, ChannelType, MessageRow } from '../../storage/schema-conversations.js';
import { inTransaction } from '../../storage/transaction.js';
import type { ContactVariables } from '../contacts/contact-fields.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { DEPLOYED_BOT_COLUMNS, wotnotChannelName, type DeployedBotRow } from './bot-selection.js';
import { WEBHOOK_VARIABLE } from './bot-chat-sender.js';
import { awaitsCall } from './bot-session-store.js';
import { PreparedQuery } from '../../storage/prepared-query.js';

/** The channel bot chats run on: one per account, found or created on first use. */
export const BOT_CHAT_CHANNEL: {
  readonly type: ChannelType;
  readonly provider: 'bot_chat';
  readonly name: string;
} = { type: 'api', provider: 'bot_chat', name: 'Bot API' };

/**
 * What `start` says on the person's behalf: a system message, so no visible text is
 * invented for them, yet the bot runner sees an inbound message and (start block without
 * keywords) begins its flow.
 */
export const START_CONTENT: MessageContent = { type: 'system', text: 'conversation started' };

export interface BotChatMessage {
  readonly id: string;
  readonly content: MessageContent;
  readonly createdAt: number;
}

export interface BotChatTurn {
  readonly conversationId: string;
  readonly userId: string;
  /** The bot's replies to this turn, in order. */
  readonly messages: readonly BotChatMessage[];
}

export interface BotChatStart {
  /** The caller's stable id for the person; a new one is made when absent. */
  readonly userId?: string | undefined;
  readonly name?: string | undefined;
  /** Merged into the contact's variables (templates read them as `contact.<name>`). */
  readonly variables?: ContactVariables | undefined;
  /** Where every bot message of this user is POSTed too (see BotChatSender). */
  readonly webhookUrl?: string | undefined;
}

const channelTypes = z.array(z.string()).catch([]);

// Every bot-chat call runs these: prepared.
const deployedBotByKey = new PreparedQuery<{ botKey: string }, DeployedBotRow>((db, param) =>
  db
    .selectFrom('bots')
    .select(DEPLOYED_BOT_COLUMNS)
    .where('bot_key', '=', param('botKey'))
    .where('active', '=', 1)
    .where('deployed_version_id', 'is not', null),
);

const identityOf = new PreparedQuery<
  { accountId: number; channelId: number; userId: string },
  { id: number }
>((db, param) =>
  db
    .selectFrom('contact_identities')
    .select('id')
    .where('account_id', '=', param('accountId'))
    .where('channel_id', '=', param('channelId'))
    .where('external_id', '=', param('userId')),
);

const sessionStateOf = new PreparedQuery<
  { accountId: number; conversationId: number },
  { state: string }
>((db, param) =>
  db
    .selectFrom('bot_sessions')
    .select('state')
    .where('account_id', '=', param('accountId'))
    .where('conversation_id', '=', param('conversationId')),
);

/**
 * The messages after a turn's own, oldest first: its replies, then whatever came later (a
 * busy conversation's next turns; the limit bounds what a slow reader collects).
 */
const messagesAfter = new PreparedQuery<
  { accountId: number; conversationId: number; messageId: number },
  Pick<MessageRow, 'public_id' | 'direction' | 'sender_type' | 'content' | 'created_at'>
>((db, param) =>
  db
    .selectFrom('messages')
    .select(['public_id', 'direction', 'sender_type', 'content', 'created_at'])
    .where('account_id', '=', param('accountId'))
    .where('conversation_id', '=', param('conversationId'))
    .where('id', '>', param('messageId'))
    .orderBy('id')
    .limit(200),
);

/** The longest a call may take (MAX_CALL_TIMEOUT_MS) and some slack for the job to run. */
const SETTLE_LIMIT_MS = MAX_CALL_TIMEOUT_MS + 5_000;
const SETTLE_POLL_MS = 20;

/**
 * WotNot's "API / mobile app" publishing: talking to a bot by its public `bot_key`, the
 * bot's replies returned synchronously. Each call is an inbound message on the account's
 * bot-chat channel; the bot runner answers inside that message's transaction, so once
 * `receive` returns, the replies are committed and can be read back.
 */
export class BotChat {
  constructor(
    private readonly context: ServiceContext,
    private readonly services: Pick<Services, 'channels' | 'contacts' | 'conversations'>,
  ) {}

  async start(botKey: string, input: BotChatStart): Promise<BotChatTurn> {
    const bot = await this.#bot(botKey);
    const channel = await this.#channel(bot.account_id, bot.bot_key);
    const userId = input.userId ?? randomUUID();
    const variables =
      input.webhookUrl === undefined
        ? input.variables
        : { ...input.variables, [WEBHOOK_VARIABLE]: input.webhookUrl };
    const { contact, created } = await inTransaction(this.context.db, (unit) =>
      this.services.contacts.findOrCreateByIdentity(unit, bot.account_id, channel.id, userId, {
        name: input.name ?? null,
        variables,
      }),
    );
    if (!created && (input.name !== undefined || variables !== undefined)) {
      await this.services.contacts.update(bot.account_id, contact.id, {
        name: input.name,
        variables,
      });
    }
    return this.#say(bot, channel, userId, START_CONTENT);
  }

  async continue(botKey: string, userId: string, content: MessageContent): Promise<BotChatTurn> {
    const bot = await this.#bot(botKey);
    const channel = await this.#channel(bot.account_id, bot.bot_key);
    const known = await identityOf.takeFirst(this.context.db, {
      accountId: bot.account_id,
      channelId: channel.id,
      userId,
    });
    if (known === undefined) {
      throw new DomainError('CONTACT_NOT_FOUND', {
        message: 'Unknown user_id: start the conversation first.',
      });
    }
    return this.#say(bot, channel, userId, content);
  }

  async #say(
    bot: DeployedBotRow,
    channel: ChannelRow,
    userId: string,
    content: MessageContent,
  ): Promise<BotChatTurn> {
    const accountId = bot.account_id;
    const result = await this.services.conversations.receive(accountId, {
      channel,
      contact: { externalId: userId },
      content,
      providerMessageId: null,
    });
    if (result.outcome === 'blocked') throw new DomainError('CONTACT_IS_BLOCKED');
    const { conversation, message } = result;
    await this.#settled(accountId, conversation.id);
    const later = await messagesAfter.execute(this.context.db, {
      accountId,
      conversationId: conversation.id,
      messageId: message.id,
    });
    // Replies of this turn only: after our message and before the person's next one.
    const nextInbound = later.findIndex((row) => row.direction === 'inbound');
    const replies = (nextInbound === -1 ? later : later.slice(0, nextInbound)).filter(
      (row) => row.direction === 'outbound' && row.sender_type === 'bot',
    );
    return {
      conversationId: conversation.public_id,
      userId,
      messages: replies.map((row) => ({
        id: row.public_id,
        content: messageContentSchema.parse(JSON.parse(row.content)),
        createdAt: row.created_at,
      })),
    };
  }

  /**
   * Waits (bounded) while the bot is out on a call (webhook, code, AI): its replies after
   * the call belong to this turn too. Later ones (after a Delay) are not waited for.
   */
  async #settled(accountId: number, conversationId: number): Promise<void> {
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    while (Date.now() < deadline) {
      const row = await sessionStateOf.takeFirst(this.context.db, { accountId, conversationId });
      if (row === undefined || !awaitsCall(row.state)) return;
      await sleep(SETTLE_POLL_MS);
    }
  }

  /** An active, deployed bot published on the API channel; its key is the credential. */
  async #bot(botKey: string): Promise<DeployedBotRow> {
    const bot = await this.context.caches.botsByKey.get(
      botKey,
      () => deployedBotByKey.takeFirst(this.context.db, { botKey }),
      (found) => found !== undefined,
    );
    const api = wotnotChannelName('api');
    const published =
      bot !== undefined &&
      channelTypes.parse(JSON.parse(bot.channel_types)).some((name) => name.toUpperCase() === api);
    if (bot === undefined || !published) throw new DomainError('BOT_NOT_FOUND');
    return bot;
  }

  /**
   * One bot-chat channel per bot, its external id the bot key: the bot runner answers a
   * conversation there with exactly that bot, whatever other API bots the account has.
   */
  async #channel(accountId: number, botKey: string): Promise<ChannelRow> {
    const existing = await this.context.caches.channelByProvider(
      this.context.db,
      accountId,
      BOT_CHAT_CHANNEL.provider,
      botKey,
    );
    return (
      existing ??
      this.services.channels.findOrCreateByProvider(accountId, {
        ...BOT_CHAT_CHANNEL,
        externalId: botKey,
      })
    );
  }
}
