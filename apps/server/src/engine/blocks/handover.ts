import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, Effect } from '../types.js';
import { field, none, templateText, templateUse } from './common.js';

export const handoverData = z.object({
  teamId: field(z.string().min(1).optional(), { label: 'Team', kind: 'select' }),
  userId: field(z.string().min(1).optional(), { label: 'Agent', kind: 'select' }),
  message: templateText(
    'Message to the contact',
    'Sent when the conversation is handed over.',
  ).optional(),
});
export type HandoverData = z.infer<typeof handoverData>;

export const handoverBlock: BlockDefinition<HandoverData> = {
  type: 'handover',
  label: 'Talk to human',
  data: handoverData,
  // Not a wait: the bot ends here. A handback resumes it on the optional "handback" edge.
  waits: false,
  handles: () => ['handback'],
  reads: (data) => (data.message === undefined ? [] : [templateUse(['message'], data.message)]),
  writes: none,
  targets: none,
  execute: (data, ctx) => {
    if (ctx.resume?.type === 'handback') return { next: 'handback' };
    const effect: Effect = { type: 'handover' };
    if (data.teamId !== undefined) effect.teamId = data.teamId;
    if (data.userId !== undefined) effect.userId = data.userId;
    if (data.message !== undefined) effect.message = render(data.message, ctx.scope);
    return { next: null, end: true, endReason: 'handover', effects: [effect] };
  },
};
