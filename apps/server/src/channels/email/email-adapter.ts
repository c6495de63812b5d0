import {
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../../core/channels/channel-sender.js';
import type {
  ChannelAdapter,
  ChannelCapabilities,
  ChannelContext,
  InboundEvent,
  ProviderRequest,
  WebhookAck,
  WebhookVerdict,
} from '../adapter.js';
import type { AdapterDependencies } from '../index.js';
import { eventsOfMail, verifyEmailWebhook } from './email-inbound.js';
import { escapeHtml, renderEmail, type RenderedEmail } from './email-render.js';
import { noEmailThread, type EmailThread, type EmailThreadLookup } from './email-threads.js';
import { simpleParser } from 'mailparser';
import { factsFromParsedMail } from './parsed-mail.js';
import { smtpMailer, smtpSendError } from './smtp-transport.js';

const MAX_ATTACHMENT_BYTES = 10 * 1_048_576;

interface FileAttachment {
  readonly filename: string;
  readonly content: Buffer;
  readonly contentType?: string;
}

/**
 * E-mail as a channel: `external_id` is the inbox address (the From of every reply),
 * secrets `inbound_token` (the inbound webhook's) and optionally `smtp_url`, config
 * `from_name` and `subject` (for mail that starts a conversation). Outbound through SMTP,
 * inbound as raw MIME POSTed to the webhook. No delivery receipts: "sent" is the last word.
 */
export class EmailAdapter implements ChannelAdapter {
  readonly provider = 'email';
  readonly channelTypes = ['email'] as const;
  readonly capabilities: ChannelCapabilities = {
    maxReplyButtons: 0,
    maxListRows: 0,
    maxQuickReplies: 0,
    maxCarouselCards: 0,
    customerServiceWindowHours: null,
    sendsPerSecond: 5,
  };

  constructor(
    private readonly deps: AdapterDependencies,
    private readonly threads: EmailThreadLookup = noEmailThread,
  ) {}

  verifyWebhook(context: ChannelContext, request: ProviderRequest): WebhookVerdict {
    return verifyEmailWebhook(context, request);
  }

  ack(): WebhookAck {
    return { status: 202, contentType: 'application/json', body: '{"ok":true}' };
  }

  async parseInbound(context: ChannelContext, request: ProviderRequest): Promise<InboundEvent[]> {
    const facts = factsFromParsedMail(await simpleParser(request.body));
    return eventsOfMail(facts, request.body, context.channel.external_id);
  }

  async send(context: ChannelContext, message: OutboundMessage): Promise<SendResult> {
    const address = context.channel.external_id ?? '';
    const domain = address.split('@')[1] ?? '';
    if (domain === '')
      throw new ChannelSendError('The e-mail channel has no address (external_id).', false);
    const to = message.recipient.email ?? message.recipient.externalId;
    if (!to.includes('@'))
      throw new ChannelSendError(`The contact has no e-mail address (${to}).`, false);
    const thread = await this.threads(context, message);
    const rendered = renderEmail(message.content);
    const { text, html, attachments } = await this.#withFile(rendered);
    // The same Parley message always has the same Message-ID: a receiving server (or the
    // contact) recognises a retried send, and replies name the message they answer.
    const messageId = `<${message.id}@${domain}>`;
    const fromName = stringSetting(context.config.from_name) ?? context.channel.name;
    const mailer = await smtpMailer(
      context.secrets.smtp_url,
      this.deps.config.smtp.url,
      this.deps.config.allowPrivateNetworks,
    );
    try {
      await mailer.sendMail({
        from: { name: fromName, address },
        to,
        subject: subjectOf(thread, fromName, stringSetting(context.config.subject)),
        text,
        html: `<!doctype html><html><body>${html}</body></html>`,
        messageId,
        ...(thread.inReplyTo === null ? {} : { inReplyTo: thread.inReplyTo }),
        ...(thread.references.length === 0 ? {} : { references: [...thread.references] }),
        attachments,
      });
    } catch (error) {
      throw smtpSendError(error);
    } finally {
      mailer.close();
    }
    return { providerMessageId: messageId };
  }

  /**
   * A media message's file as a real attachment: data: URLs are decoded, http(s) URLs
   * fetched through the guarded client (10 MiB at most). A file that cannot be had is
   * named with its link in the body instead, so the mail still goes out.
   */
  async #withFile(rendered: RenderedEmail): Promise<{
    text: string;
    html: string;
    attachments: FileAttachment[];
  }> {
    const file = rendered.file;
    if (file === undefined) return { text: rendered.text, html: rendered.html, attachments: [] };
    const content = file.url === null ? undefined : await this.#download(file.url);
    if (content !== undefined) {
      const contentType = file.mime ?? content.mime;
      return {
        text: rendered.text === '' ? `Attached: ${file.filename}` : rendered.text,
        html: rendered.html,
        attachments: [
          {
            filename: file.filename,
            content: content.bytes,
            ...(contentType === undefined ? {} : { contentType }),
          },
        ],
      };
    }
    const line = file.url === null ? `[${file.filename}]` : `${file.filename}: ${file.url}`;
    const linkHtml =
      file.url === null
        ? escapeHtml(line)
        : `<a href="${escapeHtml(file.url)}">${escapeHtml(file.filename)}</a>`;
    return {
      text: [rendered.text, line].filter((part) => part !== '').join('\n\n'),
      html: `${rendered.html}<p>${linkHtml}</p>`,
      attachments: [],
    };
  }

  async #download(url: string): Promise<{ bytes: Buffer; mime?: string } | undefined> {
    const data = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
    if (data !== null) {
      const [, mime = '', base64, payload = ''] = data;
      const bytes =
        base64 === undefined
          ? Buffer.from(decodeURIComponent(payload), 'utf8')
          : Buffer.from(payload, 'base64');
      return { bytes, ...(mime === '' ? {} : { mime }) };
    }
    try {
      const response = await this.deps.http.fetch(url, {
        maxResponseBytes: MAX_ATTACHMENT_BYTES,
        timeoutMs: 30_000,
      });
      if (response.status < 200 || response.status >= 300 || response.truncated) return undefined;
      const mime = response.headers['content-type']?.split(';')[0]?.trim();
      return { bytes: response.body, ...(mime === undefined ? {} : { mime }) };
    } catch {
      return undefined;
    }
  }
}

function stringSetting(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * "Re: <the thread's subject>"; while the core does not keep subjects (see
 * docs/channels/email.md), a reply says whose message it answers, and mail that starts a
 * conversation takes the channel's `subject` setting.
 */
export function subjectOf(thread: EmailThread, fromName: string, configured?: string): string {
  if (thread.subject !== null && thread.subject !== '')
    return /^re:/i.test(thread.subject) ? thread.subject : `Re: ${thread.subject}`;
  if (thread.inReplyTo !== null) return `Re: your message to ${fromName}`;
  return configured ?? `Message from ${fromName}`;
}
