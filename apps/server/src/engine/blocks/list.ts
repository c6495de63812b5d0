import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, none, templateText, templateUse, variableField } from './common.js';
import {
  askQuestion,
  invalid,
  maxRetriesField,
  pickChoice,
  retryPromptField,
  saveIn,
  unique,
  valid,
} from './interactive.js';

/** WhatsApp's list message: a button opening sections of rows (at most 10 rows in all). */
const row = z.object({
  id: field(z.string().min(1).max(200), { label: 'Id', kind: 'text' }),
  title: field(z.string().min(1).max(24), { label: 'Title', kind: 'text' }),
  description: field(z.string().max(72).optional(), { label: 'Description', kind: 'text' }),
});

const section = z.object({
  title: field(z.string().max(24).optional(), { label: 'Section title', kind: 'text' }),
  rows: field(z.array(row).min(1).max(10), {
    label: 'Rows',
    kind: 'list',
    help: 'Each row has its own output handle.',
  }),
});

export const listData = z
  .object({
    text: templateText('Message'),
    buttonText: field(z.string().min(1).max(20), {
      label: 'Button text',
      kind: 'text',
      help: 'The button that opens the list.',
    }),
    sections: field(z.array(section).min(1).max(10), { label: 'Sections', kind: 'list' }),
    variable: variableField('Save choice in', 'Stores the chosen row title.').optional(),
    retryPrompt: retryPromptField(),
    maxRetries: maxRetriesField(),
  })
  .refine((data) => allRows(data).length <= 10, {
    message: 'a list has at most 10 rows in all',
    path: ['sections'],
  })
  .refine((data) => unique(allRows(data).map((r) => r.id)), {
    message: 'row ids must be unique across sections',
    path: ['sections'],
  });
export type ListData = z.infer<typeof listData>;

function allRows(data: { sections: z.infer<typeof section>[] }) {
  return data.sections.flatMap((section) => section.rows);
}

export const rowHandle = (id: string): string => `row:${id}`;

function execute(data: ListData, ctx: ExecContext): BlockResult {
  const rows = allRows(data);
  return askQuestion(ctx, {
    maxRetries: data.maxRetries,
    ask: (retry) => [
      {
        type: 'list',
        text: render(retry === null ? data.text : (data.retryPrompt ?? data.text), ctx.scope),
        buttonText: data.buttonText,
        sections: data.sections.map((section) => ({
          ...(section.title === undefined || section.title === '' ? {} : { title: section.title }),
          rows: section.rows.map((r) => ({
            id: r.id,
            title: r.title,
            ...(r.description === undefined ? {} : { description: r.description }),
          })),
        })),
      },
    ],
    // Rows are numbered across sections, in the order the contact sees them.
    answer: (content) => {
      const chosen = pickChoice(rows, content);
      return chosen === undefined ? invalid() : valid(chosen);
    },
    accept: (chosen) => ({ next: rowHandle(chosen.id), ...saveIn(data.variable, chosen.title) }),
  });
}

export const listBlock: BlockDefinition<ListData> = {
  type: 'list',
  label: 'List',
  data: listData,
  waits: true,
  handles: (data) => [...allRows(data).map((r) => rowHandle(r.id)), 'fallback'],
  reads: (data) => {
    const uses: VariableUse[] = [templateUse(['text'], data.text)];
    if (data.retryPrompt !== undefined) uses.push(templateUse(['retryPrompt'], data.retryPrompt));
    return uses;
  },
  writes: (data) => (data.variable === undefined ? [] : [data.variable]),
  targets: none,
  execute,
};
