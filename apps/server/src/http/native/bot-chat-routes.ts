import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { messageContentSchema, type MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { BotChat, type BotChatTurn } from '../../core/bots/bot-chat.js';
import { contactVariablesSchema } from '../../core/contacts/contact-fields.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import { PUBLIC } from '../route-config.js';
import { errorResponses } from './schemas.js';

const TAGS = ['Native: bot chat'];

const keyParam = z.object({ botKey: z.string().min(1).max(64) });
const userId = z.string().trim().min(1).max(256);

const turnSchema = z.object({
  conversation_id: z.string(),
  user_id: z.string(),
  messages: z.array(
    z.object({ id: z.string(), content: messageContentSchema, created_at: z.string() }),
  ),
});

function turnDto(turn: BotChatTurn): z.infer<typeof turnSchema> {
  return {
    conversation_id: turn.conversationId,
    user_id: turn.userId,
    messages: turn.messages.map((message) => ({
      id: message.id,
      content: message.content,
      created_at: new Date(message.createdAt).toISOString(),
    })),
  };
}

/**
 * WotNot's "API / mobile app" publishing: chat with a deployed bot by its `bot_key`, the
 * bot's replies in the response. Runs on the bot's "Bot API" channel (api type,
 * bot_chat provider: replies are POSTed to the user's `webhook_url` when one was given).
 */
export function registerBotChatRoutes(app: FastifyInstance, { context, services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const chat = new BotChat(context, services);

  api.post('/bot-chat/:botKey/start', {
    // The bot key in the path is the credential: anyone holding it may talk to the bot.
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: 'Start a conversation with a bot (by its bot_key)',
      params: keyParam,
      body: z
        .object({
          user_id: userId.optional(),
          name: z.string().trim().min(1).max(256).optional(),
          variables: contactVariablesSchema.optional(),
          /** Every bot message of this user is also POSTed here (signed with the bot key). */
          webhook_url: z
            .url({ protocol: /^https?$/ })
            .max(2_048)
            .optional(),
        })
        .default({}),
      response: { 200: turnSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { user_id, name, variables, webhook_url } = request.body;
      return turnDto(
        await chat.start(request.params.botKey, {
          userId: user_id,
          name,
          variables,
          webhookUrl: webhook_url,
        }),
      );
    },
  });

  api.post('/bot-chat/:botKey/continue', {
    // The bot key in the path is the credential: anyone holding it may talk to the bot.
    config: { auth: PUBLIC },
    schema: {
      tags: TAGS,
      summary: "Send the person's next message; answers with the bot's replies",
      params: keyParam,
      body: z.object({
        user_id: userId,
        content: messageContentSchema.optional(),
        /** Shorthand for `content: {type: 'text', text}`. */
        text: z.string().min(1).max(4096).optional(),
      }),
      response: { 200: turnSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { user_id, content, text } = request.body;
      return turnDto(await chat.continue(request.params.botKey, user_id, contentOf(content, text)));
    },
  });
}

function contentOf(content: MessageContent | undefined, text: string | undefined): MessageContent {
  if (content !== undefined && text !== undefined) {
    throw new DomainError('BAD_REQUEST', { message: 'Give either "content" or "text", not both.' });
  }
  if (content !== undefined) return content;
  if (text !== undefined) return { type: 'text', text };
  throw new DomainError('BAD_REQUEST', { message: 'Give "content" or "text".' });
}
