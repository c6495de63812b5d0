import { z } from 'zod';
import { variableTypeSchema, type VariableType } from '../variable-name.js';
import { evaluate, toText } from '../template.js';
import type { BlockDefinition } from '../types.js';
import { field, none, templateUse, variableField } from './common.js';

export const setVariableData = z.object({
  variable: variableField('Variable'),
  value: field(z.string().max(10_000), {
    label: 'Value',
    kind: 'template',
    help: 'A template; exactly "{{other}}" copies the value itself (lists, objects).',
  }),
  type: field(variableTypeSchema.optional(), {
    label: 'Convert to',
    kind: 'select',
    help: 'Converts the value; a value that does not convert takes the "error" edge.',
  }),
});
export type SetVariableData = z.infer<typeof setVariableData>;

const FAILED = Symbol('failed');

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return FAILED;
  }
}

/** Converts a value to a variable type; FAILED when it cannot be. Dates become ISO strings. */
export function coerce(value: unknown, type: VariableType): unknown {
  const text = toText(value).trim();
  switch (type) {
    case 'string':
      return toText(value);
    case 'number': {
      const n = typeof value === 'number' ? value : text === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? n : FAILED;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (['true', 'yes', '1', 'on'].includes(text.toLowerCase())) return true;
      if (['false', 'no', '0', 'off', ''].includes(text.toLowerCase())) return false;
      return FAILED;
    case 'date': {
      const ms = typeof value === 'number' ? value : Date.parse(text);
      return Number.isFinite(ms) ? new Date(ms).toISOString() : FAILED;
    }
    case 'list': {
      if (Array.isArray(value)) return value;
      if (text.startsWith('[')) {
        const parsed = parseJson(text);
        return Array.isArray(parsed) ? parsed : FAILED;
      }
      return text === '' ? [] : text.split(',').map((item) => item.trim());
    }
    case 'object': {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
      const parsed = parseJson(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? parsed
        : FAILED;
    }
  }
}

export const setVariableBlock: BlockDefinition<SetVariableData> = {
  type: 'set_variable',
  label: 'Set variable',
  data: setVariableData,
  waits: false,
  handles: () => ['next', 'error'],
  reads: (data) => [templateUse(['value'], data.value)],
  writes: (data) => [data.variable],
  targets: none,
  execute: (data, ctx) => {
    const raw = evaluate(data.value, ctx.scope);
    const value = data.type === undefined ? raw : coerce(raw, data.type);
    if (value === FAILED) {
      return { next: 'error', outcome: `error: "${toText(raw)}" is not a ${data.type ?? ''}` };
    }
    return { next: 'next', variables: { [data.variable]: value } };
  },
};
