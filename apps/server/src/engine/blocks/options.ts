import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { field, none, templateText, templateUse, variableField } from './common.js';
import { askQuestion, invalid, pickChoice, saveIn, unique, valid } from './interactive.js';

/**
 * Options: quick replies (chips that disappear once one is tapped), up to 13 as Messenger
 * and the web widget allow. Unlike "Buttons" they are suggestions: the contact may also
 * type the title or the number, which is matched the same way.
 */
export const optionsData = z
  .object({
    prompt: templateText('Question'),
    replies: field(
      z
        .array(
          z.object({
            id: field(z.string().min(1).max(64), { label: 'Id', kind: 'text' }),
            title: field(z.string().min(1).max(64), { label: 'Title', kind: 'text' }),
          }),
        )
        .min(1)
        .max(13),
      { label: 'Options', kind: 'list', help: 'Each option has its own output handle.' },
    ),
    variable: variableField('Save choice in', 'Stores the chosen option title.').optional(),
  })
  .refine((data) => unique(data.replies.map((reply) => reply.id)), {
    message: 'option ids must be unique',
    path: ['replies'],
  });
export type OptionsData = z.infer<typeof optionsData>;

export const optionHandle = (id: string): string => `option:${id}`;

function execute(data: OptionsData, ctx: ExecContext): BlockResult {
  return askQuestion(ctx, {
    // Like buttons: one re-ask, then the fallback edge.
    maxRetries: 1,
    ask: () => [
      {
        type: 'quick_replies',
        text: render(data.prompt, ctx.scope),
        replies: data.replies.map((reply) => ({ id: reply.id, title: reply.title })),
      },
    ],
    answer: (content) => {
      const chosen = pickChoice(data.replies, content);
      return chosen === undefined ? invalid() : valid(chosen);
    },
    accept: (chosen) => ({ next: optionHandle(chosen.id), ...saveIn(data.variable, chosen.title) }),
  });
}

export const optionsBlock: BlockDefinition<OptionsData> = {
  type: 'options',
  label: 'Options',
  data: optionsData,
  waits: true,
  handles: (data) => [...data.replies.map((reply) => optionHandle(reply.id)), 'fallback'],
  reads: (data) => [templateUse(['prompt'], data.prompt)],
  writes: (data) => (data.variable === undefined ? [] : [data.variable]),
  targets: none,
  execute,
};
