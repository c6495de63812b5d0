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

/** Base 62 in ASCII order, so that strings of it compare like the numbers they encode. */
const SORTABLE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TIME_LENGTH = 8; // 62^8 ms: until the year 8888

/** `at` (ms since the epoch) in TIME_LENGTH sortable characters. */
function encodeTime(at: number): string {
  let encoded = '';
  let rest = Math.max(0, Math.floor(at));
  for (let i = 0; i < TIME_LENGTH; i++) {
    encoded = SORTABLE.charAt(rest % SORTABLE.length) + encoded;
    rest = Math.floor(rest / SORTABLE.length);
  }
  return encoded;
}

export const conversationPublicId = (): string => randomId(11, LOWER_ALPHANUMERIC);

/**
 * Message ids keep the seeds' format (32 alphanumerics) but start with their creation time
 * (8 characters), then 24 random ones (143 bits). Time-ordered ids land at the right edge of
 * the unique index on `messages.public_id`; random ones land on a random page of it, which
 * then has to be read and written back at commit: with a few hundred thousand messages,
 * storing one took three times as long (80 µs against 27).
 */
export const messagePublicId = (at: number = Date.now()): string =>
  encodeTime(at) + randomId(32 - TIME_LENGTH);
export const contactKey = (): string => randomId(32);
