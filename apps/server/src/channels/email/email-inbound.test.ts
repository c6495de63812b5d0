import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { eventsOfMail, stripQuotedReply } from './email-inbound.js';
import { factsFromParsedMail } from './parsed-mail.js';

/** A reply as Gmail sends it: encoded words, a wrapped attribution line, quoted text. */
const GMAIL_REPLY = [
  'Return-Path: <ada@example.org>',
  'From: =?UTF-8?B?QWRhIEzDtnZlbGFjZQ==?= <ada@example.org>',
  'To: Support <support@acme.test>',
  'Subject: =?UTF-8?Q?Re=3A_Your_order_=E2=9C=94?=',
  'Message-ID: <CAF=reply-2@mail.gmail.com>',
  'In-Reply-To: <msg_first@acme.test>',
  'References: <CAF=first-1@mail.gmail.com>',
  ' <msg_first@acme.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset="UTF-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Thanks, that works =E2=80=94 see you!',
  '',
  'On Mon, 6 Jan 2025 at 10:00, Acme Support <support@acme.test>',
  'wrote:',
  '> Your order has shipped.',
  '> Best, Acme',
  '',
].join('\r\n');

/** A richer mail built by nodemailer: alternative bodies, a small and a large attachment. */
async function composedMail(): Promise<Buffer> {
  const mail = new MailComposer({
    from: '"Bjørn" <bjorn@example.org>',
    to: 'support@acme.test',
    subject: 'Invoice för März',
    messageId: '<composed-1@example.org>',
    text: 'Hallo, anbei die Rechnung. Grüße',
    html: '<p>Hallo, anbei die <b>Rechnung</b>. Grüße</p>',
    attachments: [
      {
        filename: 'pixel.png',
        content: Buffer.from([137, 80, 78, 71, 1, 2, 3]),
        contentType: 'image/png',
      },
      {
        filename: 'Rechnung März 2025 — final.pdf',
        content: Buffer.alloc(6_000, 7),
        contentType: 'application/pdf',
      },
    ],
  });
  return mail.compile().build();
}

const HTML_ONLY = [
  'From: shop@example.org',
  'Subject: html',
  'Message-ID: <html-1@example.org>',
  'Content-Type: text/html; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<html><body><p>Gr=FC=DFe &amp; more</p></body></html>',
].join('\r\n');

const read = async (raw: Buffer) => factsFromParsedMail(await simpleParser(raw));

describe('reading MIME mail', () => {
  it('reads a Gmail reply: encoded names and subject, threading headers', async () => {
    const ours = await read(Buffer.from(GMAIL_REPLY));
    expect(ours.from).toEqual({ address: 'ada@example.org', name: 'Ada Lövelace' });
    expect(ours.subject).toBe('Re: Your order ✔');
    expect(ours.inReplyTo).toBe('<msg_first@acme.test>');
    expect(ours.references).toEqual(['<CAF=first-1@mail.gmail.com>', '<msg_first@acme.test>']);
  });

  it('reads multipart mail with attachments and RFC 2231 file names', async () => {
    const ours = await read(await composedMail());
    expect(ours.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['pixel.png', 'image/png', 7],
      ['Rechnung März 2025 — final.pdf', 'application/pdf', 6_000],
    ]);
    expect(ours.text).toBe('Hallo, anbei die Rechnung. Grüße');
  });

  it('turns an HTML-only mail into text, in its declared charset', async () => {
    const ours = await read(Buffer.from(HTML_ONLY));
    expect(ours.text?.trim()).toBe('Grüße & more');
  });
});

describe('inbound e-mail as canonical events', () => {
  it('keeps the new part of a reply and names the message it answers', async () => {
    const events = eventsOfMail(
      await read(Buffer.from(GMAIL_REPLY)),
      Buffer.from(GMAIL_REPLY),
      'support@acme.test',
    );
    expect(events).toEqual([
      {
        kind: 'message',
        contact: { externalId: 'ada@example.org', email: 'ada@example.org', name: 'Ada Lövelace' },
        content: { type: 'text', text: 'Thanks, that works — see you!' },
        providerMessageId: '<CAF=reply-2@mail.gmail.com>',
        replyToProviderId: '<msg_first@acme.test>',
      },
    ]);
  });

  it('keeps small attachments as data: URLs and names the ones too large to keep', async () => {
    const raw = await composedMail();
    const events = eventsOfMail(await read(raw), raw, 'support@acme.test');
    expect(events.map((event) => (event.kind === 'message' ? event.content : null))).toEqual([
      {
        type: 'text',
        text: 'Hallo, anbei die Rechnung. Grüße\n\n[Attachment not kept: Rechnung März 2025 — final.pdf (application/pdf, 6 KB)]',
      },
      {
        type: 'media',
        kind: 'image',
        media: {
          url: 'data:image/png;base64,iVBORwECAw==',
          mime: 'image/png',
          size: 7,
          filename: 'pixel.png',
        },
      },
    ]);
    expect(
      events.map((event) => (event.kind === 'message' ? event.providerMessageId : '')),
    ).toEqual(['<composed-1@example.org>', '<composed-1@example.org>#2']);
  });

  it('ignores mail from its own address and automatic replies; ids mail without a Message-ID', async () => {
    const mail = (headers: string[]) => Buffer.from([...headers, '', 'Body'].join('\r\n'));
    const own = mail(['From: support@acme.test', 'Message-ID: <a@x>']);
    expect(eventsOfMail(await read(own), own, 'Support@Acme.test')).toEqual([]);
    const auto = mail([
      'From: ada@example.org',
      'Auto-Submitted: auto-replied',
      'Message-ID: <b@x>',
    ]);
    expect(eventsOfMail(await read(auto), auto, 'support@acme.test')).toEqual([]);
    const bare = mail(['From: ada@example.org']);
    const [first] = eventsOfMail(await read(bare), bare, 'support@acme.test');
    const [second] = eventsOfMail(await read(bare), bare, 'support@acme.test');
    expect(first?.kind === 'message' && first.providerMessageId).toMatch(
      /^<[0-9a-f]{32}@parley\.invalid>$/,
    );
    expect(second).toEqual(first);
  });

  it('cuts quoted replies at the usual markers and keeps mail without them whole', () => {
    expect(stripQuotedReply('Yes.\n\nOn Tue, Ada wrote:\n> question')).toBe('Yes.');
    expect(stripQuotedReply('Ja.\n\nAm 06.01.2025 schrieb Ada <a@x>:\n> Frage')).toBe('Ja.');
    expect(stripQuotedReply('Sure\n-----Original Message-----\nFrom: x')).toBe('Sure');
    expect(stripQuotedReply('Sure\n\n________________________________\nFrom: x')).toBe('Sure');
    expect(stripQuotedReply('Fine\n> a\n>b\n')).toBe('Fine');
    expect(stripQuotedReply('> quoted first\nthen my answer')).toBe(
      '> quoted first\nthen my answer',
    );
    expect(stripQuotedReply('No markers here.')).toBe('No markers here.');
  });
});
