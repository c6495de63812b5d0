import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { field, incomingText, none, templateText, templateUse, variableField } from './common.js';

export const buttonsData = z
  .object({
    prompt: templateText('Question'),
    buttons: field(
      z
        .array(
          z.object({
            id: field(z.string().min(1).max(64), { label: 'Id', kind: 'text' }),
            title: field(z.string().min(1).max(64), { label: 'Title', kind: 'text' }),
          }),
        )
        .min(1)
        .max(10),
      { label: 'Buttons', kind: 'list', help: 'Each button has its own output handle.' },
    ),
    variable: variableField('Save choice in', 'Stores the chosen button title.').optional(),
  })
  .refine((data) => new Set(data.buttons.map((button) => button.id)).size === data.buttons.length, {
    message: 'button ids must be unique',
    path: ['buttons'],
  });
export type ButtonsData = z.infer<typeof buttonsData>;

export const buttonHandle = (id: string): string => `button:${id}`;

/** The chosen button: a reply payload, a title (any case) or the button's 1-based number. */
export function chooseButton(data: ButtonsData, ctx: ExecContext) {
  const event = ctx.resume;
  if (event?.type === 'message' && event.content.type === 'reply') {
    const { replyTo } = event.content;
    const byId = data.buttons.find((button) => button.id === replyTo);
    if (byId !== undefined) return byId;
  }
  const text = incomingText(event)?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  const index = /^\d+$/.test(text) ? Number(text) - 1 : -1;
  return data.buttons.find((button, i) => i === index || button.title.toLowerCase() === text);
}

function execute(data: ButtonsData, ctx: ExecContext): BlockResult {
  const ask = (retries: number): BlockResult => ({
    next: null,
    retries,
    effects: [
      {
        type: 'send',
        content: {
          type: 'buttons',
          text: render(data.prompt, ctx.scope),
          buttons: data.buttons.map((button) => ({ type: 'reply', ...button })),
        },
      },
    ],
  });
  if (ctx.resume === null) return { ...ask(0), outcome: 'asked' };
  if (ctx.resume.type !== 'message') return { next: null, outcome: 'ignored' };
  const chosen = chooseButton(data, ctx);
  if (chosen !== undefined) {
    return {
      next: buttonHandle(chosen.id),
      ...(data.variable === undefined ? {} : { variables: { [data.variable]: chosen.title } }),
    };
  }
  // Re-ask once: a second unrecognised answer goes to the fallback edge.
  return ctx.retries < 1 ? { ...ask(1), outcome: 'retry' } : { next: 'fallback' };
}

export const buttonsBlock: BlockDefinition<ButtonsData> = {
  type: 'buttons',
  label: 'Buttons',
  data: buttonsData,
  waits: true,
  handles: (data) => [...data.buttons.map((button) => buttonHandle(button.id)), 'fallback'],
  reads: (data) => [templateUse(['prompt'], data.prompt)],
  writes: (data) => (data.variable === undefined ? [] : [data.variable]),
  targets: none,
  execute,
};
