import type { ParsedMail } from 'mailparser';
import type { MailFacts } from './mail-facts.js';

/** The facts Parley uses of a mail parsed by mailparser's `simpleParser`. */
export function factsFromParsedMail(mail: ParsedMail): MailFacts {
  const from = mail.from?.value.find((address) => (address.address ?? '') !== '');
  const references = mail.references ?? [];
  const autoSubmitted = mail.headers.get('auto-submitted');
  return {
    from: from?.address === undefined ? null : { address: from.address, name: from.name },
    messageId: mail.messageId ?? null,
    inReplyTo: mail.inReplyTo ?? null,
    references: typeof references === 'string' ? [references] : references,
    subject: (mail.subject ?? '').trim(),
    text: mail.text ?? null,
    autoSubmitted: typeof autoSubmitted === 'string' ? autoSubmitted : null,
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename ?? null,
      contentType: attachment.contentType,
      size: attachment.size,
      content: attachment.content,
    })),
  };
}
