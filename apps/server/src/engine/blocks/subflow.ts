import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { field, none } from './common.js';

/**
 * Flow: calls a sub-flow — the part of this flow that starts at `target` — and comes back.
 * When the sub-flow's path runs out of edges, the bot returns here and follows "next"; an
 * End block inside it still ends the whole bot. Sub-flows may call sub-flows (up to
 * MAX_SUBFLOW_DEPTH deep, a guard against unbounded recursion).
 */
export const subflowData = z.object({
  target: field(z.string().min(1), {
    label: 'Sub-flow start',
    kind: 'node',
    help: 'The first block of the sub-flow.',
  }),
});
export type SubflowData = z.infer<typeof subflowData>;

export const MAX_SUBFLOW_DEPTH = 10;

export const subflowBlock: BlockDefinition<SubflowData> = {
  type: 'flow',
  label: 'Flow',
  data: subflowData,
  waits: false,
  handles: () => ['next'],
  reads: none,
  writes: none,
  targets: (data) => [data.target],
  execute: (data) => ({ next: null, call: data.target, outcome: `call ${data.target}` }),
};
