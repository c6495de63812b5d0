import { createHash } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { isValidTwilioRequest, parseForm, twilioSignature, type FormParams } from './signature.js';

/**
 * Parley's X-Twilio-Signature check against the official `twilio` library: the library
 * validates what Parley computes, and Parley accepts what the library signs.
 */

const TOKEN = '12345678901234567890123456789012';
const URL_ = 'https://parley.example/webhooks/channels/0123456789abcdef?channel=sms&x=a%20b';

/** The library's params shape: repeated names become arrays. */
function libraryParams(params: FormParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = out[name];
    out[name] =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
  }
  return out;
}

const cases: { name: string; body: string }[] = [
  {
    name: 'an inbound SMS',
    body:
      'ToCountry=US&SmsMessageSid=SM1&NumMedia=0&Body=Hello+there%21&To=%2B14155550100' +
      '&MessageSid=SM1&AccountSid=AC1&From=%2B14155550123&ApiVersion=2010-04-01',
  },
  {
    name: 'unicode, plus signs and case-sensitive names',
    body: 'Body=%C3%A7a+va+%F0%9F%98%80+1%2B1&body=lower&Zeta=1&alpha=2&ProfileName=Zo%C3%AB',
  },
  { name: 'a name sent several times', body: 'MediaUrl=b&MediaUrl=a&MediaUrl=b&To=%2B1' },
  { name: 'empty values', body: 'Body=&From=%2B14155550123&Empty=' },
];

describe('Twilio request signatures', () => {
  for (const { name, body } of cases) {
    it(`matches the official library for ${name}`, () => {
      const params = parseForm(body);
      const ours = twilioSignature(TOKEN, URL_, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL_, libraryParams(params)));
      expect(twilio.validateRequest(TOKEN, ours, URL_, libraryParams(params))).toBe(true);
      const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_, libraryParams(params));
      const request = { url: URL_, signature, params, body: Buffer.from(body) };
      expect(isValidTwilioRequest(TOKEN, request)).toBe(true);
    });
  }

  it('rejects a changed parameter, URL, token or signature', () => {
    const params = parseForm(cases[0]?.body ?? '');
    const signature = twilioSignature(TOKEN, URL_, params);
    const base = { url: URL_, signature, params, body: Buffer.alloc(0) };
    expect(isValidTwilioRequest(TOKEN, base)).toBe(true);
    const tampered = parseForm((cases[0]?.body ?? '').replace('Hello', 'Hullo'));
    expect(isValidTwilioRequest(TOKEN, { ...base, params: tampered })).toBe(false);
    expect(isValidTwilioRequest(TOKEN, { ...base, params: [...params, ['Extra', '1']] })).toBe(
      false,
    );
    expect(isValidTwilioRequest(TOKEN, { ...base, url: URL_.replace('sms', 'mms') })).toBe(false);
    expect(isValidTwilioRequest(`${TOKEN.slice(1)}x`, base)).toBe(false);
    expect(isValidTwilioRequest(TOKEN, { ...base, signature: '' })).toBe(false);
    expect(isValidTwilioRequest(TOKEN, { ...base, signature: `${signature}=` })).toBe(false);
    expect(isValidTwilioRequest('', base)).toBe(false);
  });

  it('accepts the URL signed with or without the default port, as the library does', () => {
    const params = parseForm('Body=hi');
    const signedWithout = twilioSignature(TOKEN, 'https://parley.example/hook', params);
    const signedWith = twilioSignature(TOKEN, 'https://parley.example:443/hook', params);
    for (const [signature, url] of [
      [signedWithout, 'https://parley.example:443/hook'],
      [signedWith, 'https://parley.example/hook'],
    ] as const) {
      expect(twilio.validateRequest(TOKEN, signature, url, { Body: 'hi' })).toBe(true);
      expect(isValidTwilioRequest(TOKEN, { url, signature, params, body: Buffer.alloc(0) })).toBe(
        true,
      );
    }
    const elsewhere = twilioSignature(TOKEN, 'https://parley.example:8443/hook', params);
    const request = { url: 'https://parley.example/hook', params, body: Buffer.alloc(0) };
    expect(isValidTwilioRequest(TOKEN, { ...request, signature: elsewhere })).toBe(false);
  });

  it('checks JSON webhooks by bodySHA256 as the library does', () => {
    const body = '{"EventType":"onMessageAdded","Body":"hi"}';
    const hash = createHash('sha256').update(body).digest('hex');
    const url = `https://parley.example/hook?bodySHA256=${hash}`;
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, {});
    expect(twilio.validateRequestWithBody(TOKEN, signature, url, body)).toBe(true);
    const request = { url, signature, params: [], body: Buffer.from(body) };
    expect(isValidTwilioRequest(TOKEN, request)).toBe(true);
    expect(isValidTwilioRequest(TOKEN, { ...request, body: Buffer.from(`${body} `) })).toBe(false);
  });
});
