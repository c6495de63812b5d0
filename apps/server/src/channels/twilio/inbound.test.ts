import { describe, expect, it } from 'vitest';
import { parseTwilioInbound } from './inbound.js';
import { parseForm } from './signature.js';

const parse = (params: Record<string, string>) =>
  parseTwilioInbound(parseForm(new URLSearchParams(params).toString()));

const SID = 'SM0123456789abcdef0123456789abcdef';

describe('Twilio webhook parsing', () => {
  it('maps status callbacks, skipping the intermediate ones', () => {
    const status = (MessageStatus: string, extra: Record<string, string> = {}) =>
      parse({ MessageSid: SID, SmsSid: SID, MessageStatus, SmsStatus: MessageStatus, ...extra });
    for (const intermediate of ['accepted', 'scheduled', 'queued', 'sending']) {
      expect(status(intermediate)).toEqual([]);
    }
    expect(status('sent')).toEqual([{ kind: 'status', providerMessageId: SID, status: 'sent' }]);
    expect(status('delivered')[0]).toMatchObject({ status: 'delivered' });
    expect(status('read')[0]).toMatchObject({ status: 'read' });
    const failed = status('failed', { ErrorCode: '30007' })[0];
    expect(failed).toMatchObject({ kind: 'status', status: 'failed' });
    expect(failed?.kind === 'status' ? failed.reason : '').toMatch(
      /^Twilio error 30007: The carrier filtered/,
    );
    expect(status('undelivered', { ErrorCode: '30999', ErrorMessage: 'Odd' })[0]).toMatchObject({
      status: 'failed',
      reason: 'Twilio error 30999: Odd',
    });
  });

  it('reads an incoming SMS, keeping the body verbatim', () => {
    expect(
      parse({
        MessageSid: SID,
        From: '+14155550123',
        To: '+14155550100',
        Body: ' 2 ',
        SmsStatus: 'received',
      }),
    ).toEqual([
      {
        kind: 'message',
        contact: { externalId: '+14155550123', phone: '+14155550123', name: null },
        content: { type: 'text', text: ' 2 ' },
        providerMessageId: SID,
      },
    ]);
  });

  it('gives each medium of an MMS its own message id derived from the sid', () => {
    const events = parse({
      MessageSid: SID,
      From: '+14155550123',
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/a',
      MediaContentType0: 'image/png',
      MediaUrl1: 'https://api.twilio.com/b',
      MediaContentType1: 'audio/ogg',
      Body: '',
    });
    expect(
      events.map((event) => (event.kind === 'message' ? event.providerMessageId : '')),
    ).toEqual([SID, `${SID}:1`]);
    expect(events[1]).toMatchObject({ content: { type: 'media', kind: 'voice' } });
  });

  it('ignores what is not a message or a status', () => {
    expect(parse({ From: '+14155550123', Body: 'no sid' })).toEqual([]);
    expect(parse({ MessageSid: SID, From: '+14155550123' })).toEqual([]);
  });
});
