import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomId } from '../core/ids.js';

/**
 * Visitor tokens: what the widget keeps in localStorage to be the same person tomorrow.
 * A token names a channel and a visitor id (the contact identity's external id there) and
 * carries an HMAC of both under a key derived from the master secret, so it cannot be
 * forged or moved to another channel, and needs no table to check. Stateless by design:
 * a visitor is "forgotten" by deleting the contact, whose identity the token points at.
 */
export interface Visitor {
  readonly channelId: number;
  /** The contact identity's external id on the web channel. */
  readonly visitorId: string;
}

const VERSION = 'v1';

export class VisitorTokens {
  constructor(private readonly key: Uint8Array) {}

  issue(visitor: Visitor): string {
    const id = Buffer.from(visitor.visitorId, 'utf8').toString('base64url');
    const body = `${VERSION}.${String(visitor.channelId)}.${id}`;
    return `${body}.${this.#sign(body)}`;
  }

  /** The visitor a token names, or undefined when it is malformed or its signature is wrong. */
  verify(token: string): Visitor | undefined {
    const parts = token.split('.');
    if (parts.length !== 4) return undefined;
    const [version = '', channel = '', id = '', signature = ''] = parts;
    if (version !== VERSION || !/^\d{1,15}$/.test(channel)) return undefined;
    const expected = Buffer.from(this.#sign(`${version}.${channel}.${id}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const visitorId = Buffer.from(id, 'base64url').toString('utf8');
    return visitorId === '' ? undefined : { channelId: Number(channel), visitorId };
  }

  #sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** A new anonymous visitor id. */
export function anonymousVisitorId(): string {
  return `anon:${randomId(24)}`;
}

/** The visitor id of a person the host site vouched for (identity verification). */
export function verifiedVisitorId(userId: string): string {
  return `user:${userId}`;
}
