import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, none, templateText, templateUse, variableField } from './common.js';
import {
  askQuestion,
  invalid,
  maxRetriesField,
  unique,
  valid,
  type Answer,
} from './interactive.js';
import { parseValue } from '@parley/protocol/validators';

export const formFieldKinds = ['text', 'email', 'phone', 'number', 'date', 'select'] as const;

const formField = z
  .object({
    name: variableField('Save in', 'The field key in the submission and the variable it fills.'),
    label: field(z.string().min(1).max(256), { label: 'Label', kind: 'text' }),
    kind: field(z.enum(formFieldKinds).default('text'), { label: 'Type', kind: 'select' }),
    required: field(z.boolean().default(false), { label: 'Required', kind: 'boolean' }),
    options: field(z.array(z.string().min(1).max(256)).max(50).optional(), {
      label: 'Choices',
      kind: 'list',
      help: 'For "select": the values the contact chooses from.',
    }),
  })
  .refine((f) => f.kind !== 'select' || (f.options?.length ?? 0) > 0, {
    message: 'a select field needs choices',
    path: ['options'],
  });

export const formData = z
  .object({
    title: field(z.string().min(1).max(256).optional(), { label: 'Title', kind: 'template' }),
    fields: field(z.array(formField).min(1).max(20), { label: 'Fields', kind: 'list' }),
    submitLabel: field(z.string().min(1).max(64).default('Submit'), {
      label: 'Submit button',
      kind: 'text',
    }),
    errorText: templateText(
      'Error message',
      'Sent with the form again after an invalid submission, followed by the invalid fields.',
    ).optional(),
    maxRetries: maxRetriesField(),
  })
  .refine((data) => unique(data.fields.map((f) => f.name)), {
    message: 'field names must be unique',
    path: ['fields'],
  });
export type FormBlockData = z.infer<typeof formData>;
type FormField = FormBlockData['fields'][number];

const DEFAULT_ERROR = 'Please check:';

function parseField(f: FormField, raw: string): string | number | null {
  if (f.kind !== 'select') return parseValue(f.kind, raw);
  // A choice matches in any case and is stored as written in the block.
  const wanted = raw.trim().toLowerCase();
  return f.options?.find((option) => option.toLowerCase() === wanted) ?? null;
}

/** Checks every field at once, so the contact learns about all mistakes in one go. */
export function checkSubmission(
  data: FormBlockData,
  values: Record<string, string>,
): Answer<Record<string, string | number>> {
  const accepted: Record<string, string | number> = {};
  const wrong: string[] = [];
  for (const f of data.fields) {
    const raw = Object.hasOwn(values, f.name) ? (values[f.name] ?? '') : '';
    if (raw.trim() === '') {
      if (f.required) wrong.push(f.label);
      continue;
    }
    const value = parseField(f, raw);
    if (value === null) wrong.push(f.label);
    else accepted[f.name] = value;
  }
  return wrong.length === 0 ? valid(accepted) : invalid(wrong.join(', '));
}

function formContent(data: FormBlockData, ctx: ExecContext): MessageContent {
  const title = data.title === undefined ? '' : render(data.title, ctx.scope);
  return {
    type: 'form',
    ...(title === '' ? {} : { title }),
    fields: data.fields.map((f) => ({
      name: f.name,
      label: f.label,
      kind: f.kind,
      required: f.required,
      ...(f.options === undefined ? {} : { options: f.options }),
    })),
    submitLabel: data.submitLabel,
  };
}

function execute(data: FormBlockData, ctx: ExecContext): BlockResult {
  return askQuestion(ctx, {
    maxRetries: data.maxRetries,
    ask: (retry) => {
      if (retry === null) return [formContent(data, ctx)];
      const error = data.errorText === undefined ? '' : render(data.errorText, ctx.scope);
      // A typed message instead of a submission has no field to name: only the form again.
      const text = retry.reason === undefined ? error : `${error || DEFAULT_ERROR} ${retry.reason}`;
      return text === ''
        ? [formContent(data, ctx)]
        : [{ type: 'text', text }, formContent(data, ctx)];
    },
    answer: (content) =>
      content.type === 'reply' && content.values !== undefined
        ? checkSubmission(data, content.values)
        : invalid(),
    accept: (values) => ({ next: 'next', variables: values }),
  });
}

export const formBlock: BlockDefinition<FormBlockData> = {
  type: 'form',
  label: 'Form',
  data: formData,
  waits: true,
  handles: () => ['next', 'fallback'],
  reads: (data) => {
    const uses: VariableUse[] = [];
    if (data.title !== undefined) uses.push(templateUse(['title'], data.title));
    if (data.errorText !== undefined) uses.push(templateUse(['errorText'], data.errorText));
    return uses;
  },
  writes: (data) => data.fields.map((f) => f.name),
  targets: none,
  execute,
};
