// A fingerprint of a source's text, compared on re-sync to skip pages whose content did not
// change. Normalisation makes it blind to what does not change meaning: Unicode composition
// (NFC), line-ending style and runs of whitespace. Case and punctuation still count.
import { createHash } from 'node:crypto';

export function normalizeForHash(text: string): string {
  // The same as replacing every run of whitespace with one space, minus the runs that are
  // one space already (most of them), which need no replacing.
  return text
    .normalize('NFC')
    .replace(/\s{2,}|[^\S ]/gu, ' ')
    .trim();
}

/** sha256, as 64 lowercase hex digits, of the normalised text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeForHash(text), 'utf8').digest('hex');
}
