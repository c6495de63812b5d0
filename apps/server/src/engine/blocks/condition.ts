import { z } from 'zod';
import { evaluate, isEmpty, render, resolvePath, toText, type TemplateScope } from '../template.js';
import type { BlockDefinition, VariableUse } from '../types.js';
import { compiles, field, none, templateUse } from './common.js';

export const textOperators = ['equals', 'not_equals', 'contains', 'starts_with', 'regex'] as const;
export const numberOperators = ['=', '!=', '<', '<=', '>', '>='] as const;
export const emptyOperators = ['is_empty', 'is_not_empty'] as const;
const operators = [...textOperators, ...numberOperators, ...emptyOperators] as const;
export type ConditionOperator = (typeof operators)[number];

const combinator = z.enum(['and', 'or']).default('and');

const rule = z
  .object({
    variable: field(z.string().regex(/^[A-Za-z_][\w]*(\.[\w]+)*$/), {
      label: 'Variable',
      kind: 'variable',
      help: 'A variable or a path such as contact.email.',
    }),
    operator: field(z.enum(operators), { label: 'Operator', kind: 'select' }),
    value: field(z.string().max(1_000).optional(), {
      label: 'Value',
      kind: 'template',
      help: 'Compared with the variable; may contain {{variables}}.',
    }),
  })
  .refine((r) => emptyOperators.some((op) => op === r.operator) || r.value !== undefined, {
    message: 'this operator needs a value',
    path: ['value'],
  })
  .refine((r) => r.operator !== 'regex' || compiles(r.value ?? ''), {
    message: 'value is not a valid regular expression',
    path: ['value'],
  });

export const conditionData = z.object({
  combinator: field(combinator, { label: 'Groups combine with', kind: 'select' }),
  groups: field(z.array(z.object({ combinator, rules: z.array(rule).min(1) })).min(1), {
    label: 'Rule groups',
    kind: 'list',
  }),
});
export type ConditionData = z.infer<typeof conditionData>;
export type ConditionRule = z.infer<typeof rule>;

function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/** Text operators ignore case and surrounding spaces: contacts type "Yes ", "yes", "YES". */
export function testRule(r: ConditionRule, scope: TemplateScope): boolean {
  const left = resolvePath(scope, r.variable);
  const right = r.value === undefined ? undefined : evaluate(r.value, scope);
  const l = toText(left).trim().toLowerCase();
  const t = toText(right).trim().toLowerCase();
  const a = asNumber(left);
  const b = asNumber(right);
  switch (r.operator) {
    case 'equals':
      return l === t;
    case 'not_equals':
      return l !== t;
    case 'contains':
      return l.includes(t);
    case 'starts_with':
      return l.startsWith(t);
    case 'regex':
      return new RegExp(r.value === undefined ? '' : render(r.value, scope), 'i').test(
        toText(left),
      );
    case '=':
      return a === b;
    case '!=':
      return !Number.isNaN(a) && !Number.isNaN(b) && a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case 'is_empty':
      return isEmpty(left);
    case 'is_not_empty':
      return !isEmpty(left);
  }
}

function combine(kind: 'and' | 'or', results: boolean[]): boolean {
  return kind === 'and' ? results.every(Boolean) : results.some(Boolean);
}

export const conditionBlock: BlockDefinition<ConditionData> = {
  type: 'condition',
  label: 'Condition',
  data: conditionData,
  waits: false,
  handles: () => ['true', 'false'],
  reads: (data) =>
    data.groups.flatMap((group, g) =>
      group.rules.flatMap((r, i): VariableUse[] => [
        { path: ['groups', g, 'rules', i, 'variable'], text: r.variable, kind: 'path' },
        ...(r.value === undefined
          ? []
          : [templateUse(['groups', g, 'rules', i, 'value'], r.value)]),
      ]),
    ),
  writes: none,
  targets: none,
  execute: (data, ctx) => {
    const groups = data.groups.map((group) =>
      combine(
        group.combinator,
        group.rules.map((r) => testRule(r, ctx.scope)),
      ),
    );
    return { next: combine(data.combinator, groups) ? 'true' : 'false' };
  },
};
