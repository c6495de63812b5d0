import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { field, none } from './common.js';

export const startData = z.object({
  keywords: field(z.array(z.string().min(1).max(100)).max(50).default([]), {
    label: 'Keywords',
    kind: 'list',
    help: 'On messaging channels, only a message containing one of these words starts the bot. Empty: any message does.',
  }),
});
export type StartData = z.infer<typeof startData>;

/** Whether a contact's message may start the flow (case-insensitive, whole words). */
export function matchesKeywords(data: StartData, text: string | null): boolean {
  if (data.keywords.length === 0) return true;
  if (text === null) return false;
  const words = new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u));
  const phrase = text.toLowerCase();
  return data.keywords.some((keyword) => {
    const wanted = keyword.toLowerCase().trim();
    return wanted.includes(' ') ? phrase.includes(wanted) : words.has(wanted);
  });
}

export const startBlock: BlockDefinition<StartData> = {
  type: 'start',
  label: 'Trigger',
  data: startData,
  waits: false,
  handles: () => ['next'],
  reads: none,
  writes: none,
  targets: none,
  execute: () => ({ next: 'next' }),
};
