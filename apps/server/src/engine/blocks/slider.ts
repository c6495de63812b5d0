import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, incomingText, none, templateText, templateUse, variableField } from './common.js';
import { askQuestion, invalid, maxRetriesField, retryPromptField, valid } from './interactive.js';
import { parseValue } from '@parley/protocol/validators';

const bound = (label: string) => field(z.number(), { label, kind: 'number' });

export const sliderData = z
  .object({
    prompt: templateText('Question'),
    min: bound('Minimum'),
    max: bound('Maximum'),
    step: field(z.number().positive().default(1), { label: 'Step', kind: 'number' }),
    variable: variableField('Save value in', 'Stores the chosen number.'),
    retryPrompt: retryPromptField(),
    maxRetries: maxRetriesField(),
  })
  .refine((data) => data.min < data.max, {
    message: 'the minimum must be below the maximum',
    path: ['max'],
  })
  .refine((data) => data.step <= data.max - data.min, {
    message: 'the step is larger than the range',
    path: ['step'],
  });
export type SliderData = z.infer<typeof sliderData>;

/** Whether a value lies in the range and on a step from the minimum (float-tolerant). */
export function onSlider(data: SliderData, value: number): boolean {
  if (value < data.min || value > data.max) return false;
  const steps = (value - data.min) / data.step;
  // 0.1-steps do not divide exactly in binary: allow a rounding error, not a real offset.
  return Math.abs(steps - Math.round(steps)) < 1e-9;
}

function execute(data: SliderData, ctx: ExecContext): BlockResult {
  return askQuestion(ctx, {
    maxRetries: data.maxRetries,
    ask: (retry) => [
      {
        type: 'slider',
        text: render(retry === null ? data.prompt : (data.retryPrompt ?? data.prompt), ctx.scope),
        min: data.min,
        max: data.max,
        step: data.step,
      },
    ],
    // The widget replies with the number as the reply's title; a typed number counts too.
    answer: (content) => {
      const text = incomingText({ type: 'message', content });
      const value = text === null ? null : parseValue('number', text);
      return typeof value === 'number' && onSlider(data, value) ? valid(value) : invalid();
    },
    accept: (value) => ({ next: 'next', variables: { [data.variable]: value } }),
  });
}

export const sliderBlock: BlockDefinition<SliderData> = {
  type: 'slider',
  label: 'Slider',
  data: sliderData,
  waits: true,
  handles: () => ['next', 'fallback'],
  reads: (data) => {
    const uses: VariableUse[] = [templateUse(['prompt'], data.prompt)];
    if (data.retryPrompt !== undefined) uses.push(templateUse(['retryPrompt'], data.retryPrompt));
    return uses;
  },
  writes: (data) => [data.variable],
  targets: none,
  execute,
};
