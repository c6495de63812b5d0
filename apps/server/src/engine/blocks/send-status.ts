import { z } from 'zod';
import type { BlockDefinition, Effect } from '../types.js';
import { field, none } from './common.js';

const label = z.string().min(1).max(64);

export const sendStatusData = z
  .object({
    status: field(z.enum(['open', 'pending', 'closed']).optional(), {
      label: 'Conversation status',
      kind: 'select',
      help: 'Closed ends the bot too; open hands the conversation to the inbox.',
    }),
    addLabels: field(z.array(label).max(20), { label: 'Add labels', kind: 'list' }).default([]),
    removeLabels: field(z.array(label).max(20), { label: 'Remove labels', kind: 'list' }).default(
      [],
    ),
  })
  .refine(
    (data) =>
      data.status !== undefined || data.addLabels.length > 0 || data.removeLabels.length > 0,
    { message: 'set a status or at least one label to add or remove', path: ['status'] },
  );
export type SendStatusData = z.infer<typeof sendStatusData>;

export const sendStatusBlock: BlockDefinition<SendStatusData> = {
  type: 'send_status',
  label: 'Send status',
  data: sendStatusData,
  waits: false,
  handles: () => ['next'],
  reads: none,
  writes: none,
  targets: none,
  execute: (data) => {
    const effect: Effect = { type: 'set_status' };
    if (data.status !== undefined) effect.status = data.status;
    if (data.addLabels.length > 0) effect.addLabels = data.addLabels;
    if (data.removeLabels.length > 0) effect.removeLabels = data.removeLabels;
    // Closing ends the conversation, and the bot with it.
    if (data.status === 'closed') return { next: null, end: true, effects: [effect] };
    return { next: 'next', effects: [effect] };
  },
};
