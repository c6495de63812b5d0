import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';
import { SecretBox } from './secret-box.js';
import { sha256Hex } from './tokens.js';

describe('secrets at rest', () => {
  const box = new SecretBox('a-master-secret-of-at-least-32-characters');

  it('seals with AES-256-GCM: never the plaintext, a fresh IV each time, and opens back', () => {
    const sealed = box.seal('twilio-auth-token-123');
    expect(sealed).not.toContain('twilio');
    expect(sealed).toMatch(/^v1\./);
    expect(box.seal('twilio-auth-token-123')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('twilio-auth-token-123');
  });

  it('refuses tampered text and a wrong key instead of returning garbage', () => {
    const sealed = box.seal('secret');
    expect(box.open(sealed)).toBe('secret'); // opened once: kept in memory by its sealed text
    expect(box.open(sealed)).toBe('secret');
    const parts = sealed.split('.');
    const flipped = [
      parts[0],
      parts[1],
      parts[2],
      Buffer.from('garbage!').toString('base64url'),
    ].join('.');
    expect(() => box.open(flipped)).toThrow();
    expect(() => new SecretBox('another-master-secret-of-32-characters!').open(sealed)).toThrow();
  });

  it('hashes passwords with scrypt and verifies them', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
  });

  it('stores tokens as SHA-256', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
