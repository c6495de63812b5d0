import { z } from 'zod';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { awaitCall, callResultOf, stillWaiting, timeoutField } from './calls.js';
import { field, none, variableField } from './common.js';

export const codeblockData = z.object({
  code: field(z.string().min(1).max(20_000), {
    label: 'Code',
    kind: 'code',
    help: 'Server-side JavaScript. `variables` holds the flow variables; change them or `return { name: value }`. `await fetch(url)` is the only network access.',
  }),
  outputs: field(z.array(variableField('Variable')).max(50), {
    label: 'Variables it sets',
    kind: 'list',
    help: 'Only these variables are written back to the flow.',
  }).default([]),
  timeoutMs: timeoutField(1_000, 5_000),
});
export type CodeblockData = z.infer<typeof codeblockData>;

const outputSchema = z.record(z.string(), z.unknown());

function execute(data: CodeblockData, ctx: ExecContext): BlockResult {
  const result = callResultOf(ctx);
  if (result === null) {
    if (ctx.resume !== null) return stillWaiting;
    const call = { kind: 'code' as const, code: data.code, variables: { ...ctx.scope.variables } };
    return awaitCall(ctx, call, data.timeoutMs);
  }
  if (!result.ok) return { next: 'error', outcome: `error: ${result.error}` };
  const output = outputSchema.safeParse(result.value);
  if (!output.success) return { next: 'error', outcome: 'error: the code returned no variables' };
  const variables: Record<string, unknown> = {};
  for (const name of data.outputs) {
    if (Object.hasOwn(output.data, name)) variables[name] = output.data[name];
  }
  return { next: 'next', variables };
}

export const codeblockBlock: BlockDefinition<CodeblockData> = {
  type: 'codeblock',
  label: 'Codeblock',
  data: codeblockData,
  waits: true,
  handles: () => ['next', 'error'],
  reads: none,
  writes: (data) => data.outputs,
  targets: none,
  execute,
};
