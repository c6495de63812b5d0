import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { field, none } from './common.js';

export const startData = z.object({
  keywords: field(z.array(z.string().min(1).max(100)).max(50).default([]), {
    label: 'Keywords',
    kind: 'list',
    help: 'On messaging channels, only a message containing one of these words starts the bot. Empty: any message does.',
  }),
  web: field(
    z.object({
      urlContains: field(z.string().min(1).max(500).optional(), {
        label: 'Page URL contains',
        kind: 'text',
      }),
      firstVisitOnly: field(z.boolean().default(false), {
        label: 'First visit only',
        kind: 'boolean',
      }),
      afterSeconds: field(z.number().int().min(0).max(3_600).default(0), {
        label: 'Time on page (seconds)',
        kind: 'number',
      }),
    }),
    {
      label: 'Web triggers',
      kind: 'list',
      help: 'On the web widget: start the bot only on matching pages, first visits, after a while on the page.',
    },
  ).optional(),
});
export type StartData = z.infer<typeof startData>;

/** What the web widget knows about the visit when it asks to start the bot. */
export interface WebVisit {
  url: string;
  firstVisit: boolean;
  secondsOnPage: number;
}

/** Whether a web visit meets the start block's web triggers (no triggers: always). */
export function webTriggerMatches(data: StartData, visit: WebVisit): boolean {
  const web = data.web;
  if (web === undefined) return true;
  if (web.urlContains !== undefined && !visit.url.includes(web.urlContains)) return false;
  if (web.firstVisitOnly && !visit.firstVisit) return false;
  return visit.secondsOnPage >= web.afterSeconds;
}

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
