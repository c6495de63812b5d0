import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { field, none } from './common.js';

export const jumpData = z.object({
  target: field(z.string().min(1), { label: 'Jump to', kind: 'node' }),
});
export type JumpData = z.infer<typeof jumpData>;

export const jumpBlock: BlockDefinition<JumpData> = {
  type: 'jump',
  label: 'Jump',
  data: jumpData,
  waits: false,
  handles: () => [],
  reads: none,
  writes: none,
  targets: (data) => [data.target],
  execute: (data) => ({ next: null, goto: data.target, outcome: `jump ${data.target}` }),
};
