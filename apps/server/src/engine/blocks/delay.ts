import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { field, none } from './common.js';

const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
const MAX_MS = 30 * UNIT_MS.days;

export const delayData = z
  .object({
    amount: field(z.number().positive(), { label: 'Wait', kind: 'number' }),
    unit: field(z.enum(['seconds', 'minutes', 'hours', 'days']).default('seconds'), {
      label: 'Unit',
      kind: 'select',
    }),
  })
  .refine((data) => data.amount * UNIT_MS[data.unit] <= MAX_MS, {
    message: 'a delay is at most 30 days',
    path: ['amount'],
  });
export type DelayData = z.infer<typeof delayData>;

export const delayMs = (data: DelayData): number => Math.round(data.amount * UNIT_MS[data.unit]);

export const delayBlock: BlockDefinition<DelayData> = {
  type: 'delay',
  label: 'Delay',
  data: delayData,
  waits: true,
  handles: () => ['next'],
  reads: none,
  writes: none,
  targets: none,
  execute: (data, ctx) => {
    if (ctx.resume === null) {
      const at = ctx.now + delayMs(data);
      return {
        next: null,
        outcome: 'scheduled',
        effects: [{ type: 'timer', nodeId: ctx.nodeId, at }],
      };
    }
    // Messages during a delay do not cut it short; only this node's timer resumes it.
    if (ctx.resume.type === 'timer' && ctx.resume.nodeId === ctx.nodeId) return { next: 'next' };
    return { next: null, outcome: 'ignored' };
  },
};
