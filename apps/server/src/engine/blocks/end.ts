import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { none } from './common.js';

export const endData = z.object({});
export type EndData = z.infer<typeof endData>;

export const endBlock: BlockDefinition<EndData> = {
  type: 'end',
  label: 'End',
  data: endData,
  waits: false,
  handles: () => [],
  reads: none,
  writes: none,
  targets: none,
  execute: () => ({ next: null, end: true }),
};
