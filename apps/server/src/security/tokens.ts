import { hash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (API tokens, refresh tokens, invitation keys) are random strings shown
 * once; only their SHA-256 is stored, so a database leak reveals no usable token. SHA-256
 * (not a slow hash) is right here: the secrets carry 256 bits of entropy.
 */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** One-shot hashing: every authenticated request hashes its token (2–3× createHash's speed). */
export function sha256Hex(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The first characters of a token, kept so a person can tell tokens apart in a list. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 12);
}
