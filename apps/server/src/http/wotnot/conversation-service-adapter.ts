import type { MessageContent } from '@parley/protocol';
import { channelNumber } from '../../core/channels/channels-service.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Runtime } from '../../runtime.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import {
  wotnotChannelTypes,
  type AgentMessageBody,
  type CreateConversationBody,
} from './conversation-schemas.js';

type TemplateData = Extract<CreateConversationBody['message'], { type: 'template' }>['data'];

/**
 * Translates WotNot's conversation vocabulary (channel names, `from` numbers, agent
 * e-mails, template and file messages) into Parley's core calls. Reads only through
 * services and the account-scoped database handle.
 */
export async function channelFor(
  runtime: Runtime,
  accountId: number,
  body: CreateConversationBody,
): Promise<ChannelRow> {
  const type = wotnotChannelTypes[body.channel];
  const channels = await runtime.services.channels.list(accountId);
  const ofType = channels.filter((channel) => channel.type === type);
  if (type === 'whatsapp' || type === 'sms') {
    const number = body.from === undefined ? undefined : channelNumber(body.from);
    const channel =
      number === undefined
        ? undefined
        : ofType.find((candidate) => candidate.phone_number === number);
    if (channel === undefined) throw new DomainError('PHONE_NUMBER_IS_NOT_CONFIGURED');
    return channel;
  }
  const channel =
    body.from === undefined
      ? ofType[0]
      : ofType.find(
          (candidate) =>
            candidate.external_id === body.from ||
            candidate.phone_number === channelNumber(body.from ?? ''),
        );
  if (channel === undefined) throw new DomainError('CHANNEL_NOT_ENABLED');
  return channel;
}

/** A WhatsApp template message, checked against the account's templates. */
export async function templateContent(
  runtime: Runtime,
  accountId: number,
  data: TemplateData,
): Promise<MessageContent> {
  const template = await runtime.database.db
    .selectFrom('templates')
    .select(['name', 'language', 'status'])
    .where('account_id', '=', accountId)
    .where('name', '=', data.template)
    .$if(data.language !== undefined, (query) => query.where('language', '=', data.language ?? ''))
    .orderBy('id')
    .executeTakeFirst();
  if (template === undefined) throw new DomainError('WHATSAPP_TEMPLATE_NOT_FOUND');
  if (template.status !== 'approved') throw new DomainError('TEMPLATE_NOT_APPROVED');
  return {
    type: 'template',
    name: template.name,
    language: template.language,
    parameters: data.parameters,
  };
}

/** An active human user of the account by e-mail (WotNot names agents by e-mail). */
export async function agentByEmail(
  runtime: Runtime,
  accountId: number,
  email: string,
): Promise<{ id: number; email: string }> {
  const user = await runtime.database.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('account_id', '=', accountId)
    .where('email', '=', email.trim().toLowerCase())
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (user === undefined) throw new DomainError('USER_NOT_FOUND');
  return user;
}

export async function agentMessageContent(
  runtime: Runtime,
  accountId: number,
  message: AgentMessageBody['message'],
): Promise<MessageContent> {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.data.body };
    case 'file':
    case 'voice': {
      const mime = message.file.type ?? 'application/octet-stream';
      const kind =
        message.type === 'voice'
          ? 'voice'
          : mime.startsWith('image/')
            ? 'image'
            : mime.startsWith('video/')
              ? 'video'
              : mime.startsWith('audio/')
                ? 'audio'
                : 'document';
      return {
        type: 'media',
        kind,
        media: {
          url: message.file.path,
          mime,
          ...(message.file.size === undefined ? {} : { size: message.file.size }),
          ...(message.file.name === undefined ? {} : { filename: message.file.name }),
        },
      };
    }
    case 'template':
      return templateContent(runtime, accountId, message.data);
  }
}
