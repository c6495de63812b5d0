import { createHash } from 'node:crypto';
import { messageContentSchema, type MessageContent } from '@parley/protocol';
import type { ChannelContext, InboundEvent, ProviderRequest, WebhookVerdict } from '../adapter.js';
import { sameSecret } from '../messenger/graph-webhook.js';
import type { MailAttachment, MailFacts } from './mail-facts.js';

/**
 * The inbound e-mail webhook: whatever receives the mail (a Postfix pipe, an inbound
 * parse service, a mailbox poller) POSTs the raw RFC 5322 message, authenticated by the
 * channel's `inbound_token` in `X-Parley-Email-Token` or `?token=`.
 */
export function verifyEmailWebhook(
  context: ChannelContext,
  request: ProviderRequest,
): WebhookVerdict {
  const expected = context.secrets.inbound_token ?? '';
  if (expected === '')
    return { kind: 'reject', status: 403, reason: 'the channel has no inbound_token' };
  if (request.method !== 'POST')
    return { kind: 'reject', status: 403, reason: 'e-mail is POSTed, not fetched' };
  const given = request.headers['x-parley-email-token'] ?? request.query.token ?? '';
  if (given === '' || !sameSecret(given, expected))
    return { kind: 'reject', status: 401, reason: 'inbound e-mail token mismatch' };
  return { kind: 'accept' };
}

const MAX_TEXT = 4_096;
/** The canonical model's URL limit: only attachments whose data: URL fits are kept. */
const MAX_URL = 2_048;

/**
 * One e-mail as canonical messages: its text (the quoted earlier mail cut off) and one
 * media message per attachment small enough to travel as a data: URL (Parley has no media
 * store yet); larger attachments are named in the text instead. Mail from the channel's
 * own address and automatic mail (Auto-Submitted: auto-replied, bounces) is ignored, so
 * two robots cannot answer each other forever.
 */
export function eventsOfMail(facts: MailFacts, raw: Buffer, ownAddress: string | null) {
  const from = facts.from;
  if (from === null) return [];
  if (ownAddress !== null && from.address.toLowerCase() === ownAddress.toLowerCase()) return [];
  const auto = facts.autoSubmitted?.trim().toLowerCase();
  if (auto !== undefined && auto !== '' && auto !== 'no') return [];
  // Without a Message-ID, the bytes identify a redelivery.
  const messageId =
    facts.messageId ??
    `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@parley.invalid>`;
  const media: MessageContent[] = [];
  const dropped: string[] = [];
  for (const attachment of facts.attachments) {
    const content = attachmentContent(attachment);
    if (content === undefined) dropped.push(describe(attachment));
    else media.push(content);
  }
  const body = [
    bodyText(facts, media.length > 0),
    ...dropped.map((line) => `[Attachment not kept: ${line}]`),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
  const contents: MessageContent[] = [...(body === '' ? [] : [textContent(body)]), ...media];
  const contact = {
    externalId: from.address.toLowerCase(),
    email: from.address,
    name: from.name.trim() === '' ? null : from.name.trim(),
  };
  return contents.map((content, index): InboundEvent => ({
    kind: 'message',
    contact,
    content,
    providerMessageId: index === 0 ? messageId : `${messageId}#${String(index + 1)}`,
    replyToProviderId: facts.inReplyTo,
  }));
}

function bodyText(facts: MailFacts, hasMedia: boolean): string {
  const text = (facts.text ?? '').replace(/\r\n/g, '\n').trim();
  const fresh = stripQuotedReply(text);
  if (fresh !== '') return fresh;
  if (text !== '') return text;
  // An empty mail still says something through its subject, unless it only carries files.
  if (hasMedia) return '';
  return facts.subject === '' ? '(empty e-mail)' : facts.subject;
}

function textContent(text: string): MessageContent {
  return {
    type: 'text',
    text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 14)}\n[… truncated]` : text,
  };
}

/**
 * The new part of a reply: everything before the first quote marker — "On … wrote:" (also
 * wrapped over two lines), Outlook's "-----Original Message-----" or underscore rule, or a
 * trailing block of "> " lines. Mail without any of them is kept whole.
 */
/** "On … wrote:", "Am … schrieb Ada <a@x>:", "Le … a écrit :" (the name may follow the verb). */
const ATTRIBUTION = /^(On|Am|Le)\s.*\s(wrote|schrieb|a écrit)(\s.*)?:$/i;
/** The second line of an attribution wrapped before its verb. */
const ATTRIBUTION_END = /^(.*\s)?(wrote|schrieb|a écrit)(\s.*)?:$/i;

export function stripQuotedReply(text: string): string {
  const lines = text.split('\n');
  const trimmed = lines.map((line) => line.trim());
  const cut = trimmed.findIndex(
    (line, i) =>
      /^-{2,}\s*Original Message\s*-{2,}$/i.test(line) ||
      /^_{20,}$/.test(line) ||
      ATTRIBUTION.test(line) ||
      (/^(On|Am|Le)\s/i.test(line) && ATTRIBUTION_END.test(trimmed[i + 1] ?? '')) ||
      (line.startsWith('>') &&
        trimmed.slice(i).every((rest) => rest === '' || rest.startsWith('>'))),
  );
  return (cut < 0 ? text : lines.slice(0, cut).join('\n')).trim();
}

function kindOf(mime: string): 'image' | 'video' | 'audio' | 'document' {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

function attachmentContent(attachment: MailAttachment): MessageContent | undefined {
  const url = `data:${attachment.contentType};base64,${attachment.content.toString('base64')}`;
  if (url.length > MAX_URL) return undefined;
  const parsed = messageContentSchema.safeParse({
    type: 'media',
    kind: kindOf(attachment.contentType),
    media: {
      url,
      mime: attachment.contentType,
      size: attachment.size,
      ...(attachment.filename === null ? {} : { filename: attachment.filename.slice(0, 255) }),
    },
  });
  return parsed.success ? parsed.data : undefined;
}

function describe(attachment: MailAttachment): string {
  const size =
    attachment.size >= 1_048_576
      ? `${(attachment.size / 1_048_576).toFixed(1)} MB`
      : `${String(Math.ceil(attachment.size / 1_024))} KB`;
  return `${attachment.filename ?? 'unnamed'} (${attachment.contentType}, ${size})`;
}
