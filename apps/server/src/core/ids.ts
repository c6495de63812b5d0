import { randomFillSync } from 'node:crypto';

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
    const byte = randomByte();
    if (byte < limit) id += alphabet.charAt(byte % alphabet.length);
  }
  return id;
}

/**
 * Random bytes drawn from a pool filled a few kilobytes at a time: one call into the CSPRNG
 * per id cost more than the id (several are made per message). Each byte is used once.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const byte = pool[poolOffset] ?? 0;
  poolOffset += 1;
  return byte;
}

export const conversationPublicId = (): string => randomId(11, LOWER_ALPHANUMERIC);
export const messagePublicId = (): string => randomId(32);
export const contactKey = (): string => randomId(32);
