import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random public ids in the seeds' formats: conversation ids like `12wfegrgt4t`, message
 * ids and contact keys like `6HRBshHEcV8P103039226478taGDJQxC` (32 characters). Rejection
 * sampling keeps every character equally likely.
 */
export function randomId(length: number, alphabet = ALPHANUMERIC): string {
  let id = '';
  const limit = 256 - (256 % alphabet.length);
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) id += alphabet.charAt(byte % alphabet.length);
      if (id.length === length) break;
    }
  }
  return id;
}

export const conversationPublicId = (): string => randomId(11, LOWER_ALPHANUMERIC);
export const messagePublicId = (): string => randomId(32);
export const contactKey = (): string => randomId(32);
