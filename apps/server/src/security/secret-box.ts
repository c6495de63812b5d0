import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** Opened secrets kept in memory (each channel and webhook has one or two). */
const OPENED_CAPACITY = 10_000;

/** Derives independent 256-bit keys for separate purposes from the one master secret. */
export function deriveKey(masterSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, 'parley', purpose, 32));
}

/**
 * Encrypts secrets at rest (channel credentials, webhook secrets) with AES-256-GCM.
 * The output `v1.<iv>.<tag>.<ciphertext>` is text, safe for any column; tampering or a
 * wrong key makes `open` throw instead of returning garbage.
 */
export class SecretBox {
  readonly #key: Buffer;
  /**
   * Secrets already opened, by sealed text. A sealed text opens to one plaintext under this
   * box's key forever, and channel secrets are opened on every webhook and every send.
   */
  readonly #opened = new Map<string, string>();

  constructor(masterSecret: string) {
    this.#key = deriveKey(masterSecret, 'secret-box');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const known = this.#opened.get(sealed);
    if (known !== undefined) return known;
    const plaintext = this.#decrypt(sealed);
    if (this.#opened.size >= OPENED_CAPACITY) this.#opened.clear();
    this.#opened.set(sealed, plaintext);
    return plaintext;
  }

  #decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new Error('Not a sealed secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
