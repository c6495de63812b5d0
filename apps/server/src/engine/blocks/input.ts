import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import {
  compiles,
  field,
  incomingText,
  templateText,
  templateUse,
  variableField,
} from './common.js';
import { parseValue } from '@parley/protocol/validators';

export const inputKinds = ['text', 'email', 'phone', 'number', 'url', 'regex'] as const;

export const inputData = z
  .object({
    prompt: templateText('Question'),
    kind: field(z.enum(inputKinds).default('text'), { label: 'Expected answer', kind: 'select' }),
    pattern: field(z.string().max(500).optional(), {
      label: 'Pattern',
      kind: 'regex',
      help: 'For "regex": a JavaScript regular expression the whole answer must match.',
    }),
    variable: variableField('Save answer in'),
    retryPrompt: templateText('Retry message', 'Sent after an invalid answer.').optional(),
    maxRetries: field(z.number().int().min(0).max(10).default(1), {
      label: 'Retries',
      kind: 'number',
      help: 'How many invalid answers are re-asked before the "invalid" edge is taken.',
    }),
  })
  .refine((data) => data.kind !== 'regex' || data.pattern !== undefined, {
    message: 'a regex input needs a pattern',
    path: ['pattern'],
  })
  .refine((data) => data.pattern === undefined || compiles(data.pattern), {
    message: 'pattern is not a valid regular expression',
    path: ['pattern'],
  });
export type InputData = z.infer<typeof inputData>;

/** The stored value of a valid answer, or null when the answer is invalid. */
export function parseAnswer(data: InputData, raw: string): string | number | null {
  if (data.kind !== 'regex') return parseValue(data.kind, raw);
  const answer = raw.trim();
  if (answer === '') return null;
  return new RegExp(`^(?:${data.pattern ?? ''})$`).test(answer) ? answer : null;
}

function ask(text: string, retries: number): BlockResult {
  return { next: null, retries, effects: [{ type: 'send', content: { type: 'text', text } }] };
}

function execute(data: InputData, ctx: ExecContext): BlockResult {
  if (ctx.resume === null) return { ...ask(render(data.prompt, ctx.scope), 0), outcome: 'asked' };
  const text = incomingText(ctx.resume);
  // A timer or handback while waiting for an answer is not an answer: keep waiting.
  if (ctx.resume.type !== 'message') return { next: null, outcome: 'ignored' };
  const value = text === null ? null : parseAnswer(data, text);
  if (value !== null) return { next: 'next', variables: { [data.variable]: value } };
  if (ctx.retries < data.maxRetries) {
    const retry = render(data.retryPrompt ?? data.prompt, ctx.scope);
    return { ...ask(retry, ctx.retries + 1), outcome: 'retry' };
  }
  return { next: 'invalid' };
}

export const inputBlock: BlockDefinition<InputData> = {
  type: 'input',
  label: 'Collect input',
  data: inputData,
  waits: true,
  handles: () => ['next', 'invalid'],
  reads: (data) => {
    const uses: VariableUse[] = [templateUse(['prompt'], data.prompt)];
    if (data.retryPrompt !== undefined) uses.push(templateUse(['retryPrompt'], data.retryPrompt));
    return uses;
  },
  writes: (data) => [data.variable],
  targets: () => [],
  execute,
};
