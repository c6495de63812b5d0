import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import {
  awaitCall,
  callResultOf,
  httpResponseOf,
  parseBody,
  pick,
  stillWaiting,
  timeoutField,
} from './calls.js';
import { field, none, templateUse, variableField } from './common.js';

const templateValue = (label: string) => field(z.string().max(8_192), { label, kind: 'template' });

export const webhookData = z.object({
  method: field(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'), {
    label: 'Method',
    kind: 'select',
  }),
  url: field(z.string().min(1).max(2_048), {
    label: 'URL',
    kind: 'template',
    help: 'http(s) only; private and loopback addresses are refused.',
  }),
  headers: field(
    z.array(z.object({ name: z.string().min(1).max(128), value: templateValue('Value') })).max(30),
    { label: 'Headers', kind: 'list' },
  ).default([]),
  body: templateValue('Body').optional(),
  timeoutMs: timeoutField(10_000),
  mappings: field(
    z
      .array(
        z.object({
          variable: variableField('Variable'),
          path: field(z.string().max(256), {
            label: 'Response path',
            kind: 'text',
            help: '`status`, `body`, or a path into the JSON body such as `body.data.items[0].id`.',
          }),
        }),
      )
      .max(50),
    { label: 'Save response fields', kind: 'list' },
  ).default([]),
});
export type WebhookData = z.infer<typeof webhookData>;

function reads(data: WebhookData): VariableUse[] {
  const uses = [templateUse(['url'], data.url)];
  data.headers.forEach((header, i) =>
    uses.push(templateUse(['headers', i, 'value'], header.value)),
  );
  if (data.body !== undefined) uses.push(templateUse(['body'], data.body));
  return uses;
}

function execute(data: WebhookData, ctx: ExecContext): BlockResult {
  const result = callResultOf(ctx);
  if (result === null) {
    if (ctx.resume !== null) return stillWaiting;
    const headers = Object.fromEntries(
      data.headers.map((header) => [header.name, render(header.value, ctx.scope)]),
    );
    const body = data.body === undefined ? undefined : render(data.body, ctx.scope);
    if (body !== undefined && !Object.keys(headers).some((name) => /^content-type$/i.test(name))) {
      headers['content-type'] = 'application/json';
    }
    const request = {
      method: data.method,
      url: render(data.url, ctx.scope),
      headers,
      ...(body === undefined || data.method === 'GET' ? {} : { body }),
    };
    return awaitCall(ctx, { kind: 'http', request }, data.timeoutMs);
  }
  if (!result.ok) return { next: 'failure', outcome: `failure: ${result.error}` };
  const response = httpResponseOf(result.value);
  if (response === null) return { next: 'failure', outcome: 'failure: not an HTTP response' };
  const view = {
    status: response.status,
    headers: response.headers,
    body: parseBody(response.body),
  };
  const variables: Record<string, unknown> = {};
  for (const mapping of data.mappings) {
    const value = pick(view, mapping.path);
    if (value !== undefined) variables[mapping.variable] = value;
  }
  const success = response.status >= 200 && response.status < 300;
  return {
    next: success ? 'success' : 'failure',
    outcome: `${success ? 'success' : 'failure'}: HTTP ${String(response.status)}`,
    variables,
  };
}

export const webhookBlock: BlockDefinition<WebhookData> = {
  type: 'webhook',
  label: 'Webhook',
  data: webhookData,
  waits: true,
  handles: () => ['success', 'failure'],
  reads,
  writes: (data) => data.mappings.map((mapping) => mapping.variable),
  targets: none,
  execute,
};
