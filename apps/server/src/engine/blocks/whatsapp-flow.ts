import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, none, templateText, templateUse, variableField } from './common.js';
import { linkField } from './carousel.js';
import {
  askQuestion,
  invalid,
  isWhatsApp,
  maxRetriesField,
  retryPromptField,
  send,
  valid,
} from './interactive.js';

export const whatsappFlowData = z.object({
  flowId: field(z.string().min(1).max(256), { label: 'Flow id', kind: 'text' }),
  cta: field(z.string().min(1).max(30), {
    label: 'Button text',
    kind: 'text',
    help: 'The button that opens the flow.',
  }),
  screen: field(z.string().min(1).max(256).optional(), {
    label: 'First screen',
    kind: 'text',
    help: 'The screen id to open; empty opens the flow on its own first screen.',
  }),
  text: templateText('Message'),
  fallbackUrl: linkField(
    'Link off WhatsApp',
    'Other channels get a button to this page; without one they take "fallback" at once.',
  ).optional(),
  outputs: field(
    z
      .array(
        z.object({
          key: field(z.string().min(1).max(64), { label: 'Response field', kind: 'text' }),
          variable: variableField('Save in'),
        }),
      )
      .max(50)
      .default([]),
    { label: 'Save answers', kind: 'list', help: 'Copies fields of the completed flow.' },
  ),
  variable: variableField('Save whole response in', 'All fields, as an object.').optional(),
  retryPrompt: retryPromptField(),
  maxRetries: maxRetriesField(),
});
export type WhatsappFlowData = z.infer<typeof whatsappFlowData>;

function flowMessage(data: WhatsappFlowData, ctx: ExecContext, text: string): MessageContent {
  if (isWhatsApp(ctx.scope)) {
    return {
      type: 'whatsapp_flow',
      flowId: data.flowId,
      cta: data.cta,
      ...(data.screen === undefined ? {} : { screen: data.screen }),
      text,
      ...(data.fallbackUrl === undefined ? {} : { fallbackUrl: data.fallbackUrl }),
    };
  }
  if (data.fallbackUrl === undefined) return { type: 'text', text };
  // The CTA may be 30 characters where a button title allows 64: it always fits.
  return {
    type: 'buttons',
    text,
    buttons: [{ type: 'url', title: data.cta, url: data.fallbackUrl }],
  };
}

/** The variable writes of a completed flow: the mapped fields, and the whole response. */
function saved(data: WhatsappFlowData, values: Record<string, string>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const output of data.outputs) {
    if (Object.hasOwn(values, output.key)) variables[output.variable] = values[output.key];
  }
  if (data.variable !== undefined) variables[data.variable] = { ...values };
  return variables;
}

function execute(data: WhatsappFlowData, ctx: ExecContext): BlockResult {
  const text = (retry: { reason?: string } | null) =>
    render(retry === null ? data.text : (data.retryPrompt ?? data.text), ctx.scope);
  // Off WhatsApp with no page to complete it on, nothing could ever answer: say the text
  // and let the flow collect the data another way.
  if (!isWhatsApp(ctx.scope) && data.fallbackUrl === undefined && ctx.resume === null) {
    return { next: 'fallback', effects: [send(flowMessage(data, ctx, text(null)))] };
  }
  return askQuestion(ctx, {
    maxRetries: data.maxRetries,
    ask: (retry) => [flowMessage(data, ctx, text(retry))],
    answer: (content) =>
      content.type === 'reply' && content.values !== undefined ? valid(content.values) : invalid(),
    accept: (values) => ({ next: 'next', variables: saved(data, values) }),
  });
}

export const whatsappFlowBlock: BlockDefinition<WhatsappFlowData> = {
  type: 'whatsapp_flow',
  label: 'WhatsApp flow',
  data: whatsappFlowData,
  waits: true,
  handles: () => ['next', 'fallback'],
  reads: (data) => {
    const uses: VariableUse[] = [templateUse(['text'], data.text)];
    if (data.retryPrompt !== undefined) uses.push(templateUse(['retryPrompt'], data.retryPrompt));
    return uses;
  },
  writes: (data) => [
    ...data.outputs.map((output) => output.variable),
    ...(data.variable === undefined ? [] : [data.variable]),
  ],
  targets: none,
  execute,
};
