import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelContext, ProviderRequest, WebhookVerdict } from '../adapter.js';

/** Compares secrets in constant time (the lengths may differ: that alone is not secret). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function signatureMatches(appSecret: string, body: Buffer, header: string): boolean {
  if (!header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Meta's two checks: the subscription handshake (GET with hub.mode=subscribe and the verify
 * token chosen when the webhook was configured, answered with hub.challenge) and the
 * X-Hub-Signature-256 on every POST. Without the secrets configured nothing is accepted.
 */
export function verifyMetaWebhook(
  context: ChannelContext,
  request: ProviderRequest,
): WebhookVerdict {
  if (request.method === 'GET') {
    const expected = context.secrets.verify_token ?? '';
    const token = request.query['hub.verify_token'] ?? '';
    const challenge = request.query['hub.challenge'] ?? '';
    if (
      request.query['hub.mode'] === 'subscribe' &&
      expected !== '' &&
      sameSecret(token, expected)
    ) {
      return { kind: 'challenge', status: 200, body: challenge };
    }
    return { kind: 'reject', status: 403, reason: 'verify token mismatch' };
  }
  const appSecret = context.secrets.app_secret ?? '';
  if (appSecret === '') return { kind: 'reject', status: 403, reason: 'no app_secret configured' };
  const header = request.headers['x-hub-signature-256'];
  if (header === undefined) return { kind: 'reject', status: 401, reason: 'signature missing' };
  if (!signatureMatches(appSecret, request.body, header)) {
    return { kind: 'reject', status: 401, reason: 'signature mismatch' };
  }
  return { kind: 'accept' };
}
