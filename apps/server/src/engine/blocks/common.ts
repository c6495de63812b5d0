import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { variableNameSchema } from '../variable-name.js';
import type { FlowEvent, VariableUse } from '../types.js';

/**
 * How the editor renders a field: `template` is text with `{{variables}}`, `variable` picks
 * a variable name, `node` picks a node of the flow, `list` repeats a sub-form.
 */
export type FieldKind =
  | 'text'
  | 'template'
  | 'variable'
  | 'number'
  | 'boolean'
  | 'select'
  | 'node'
  | 'list'
  | 'regex'
  | 'url'
  | 'code';

export interface FieldMeta {
  label: string;
  kind: FieldKind;
  help?: string;
}

/** Attaches editor metadata to a field (zod `.meta`, carried into the JSON Schema). */
export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  return schema.meta({ ...meta });
}

export const templateText = (label: string, help?: string) =>
  field(z.string().min(1).max(4_096), { label, kind: 'template', ...(help ? { help } : {}) });

export const variableField = (label: string, help?: string) =>
  field(variableNameSchema, { label, kind: 'variable', ...(help ? { help } : {}) });

export const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

/** The text a contact's message carries, for matching and validation. */
export function incomingText(event: FlowEvent | null): string | null {
  if (event?.type !== 'message') return null;
  return messageText(event.content);
}

function messageText(content: MessageContent): string | null {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'reply':
      return content.title;
    case 'media':
      return content.caption ?? null;
    default:
      return null;
  }
}

export const templateUse = (path: (string | number)[], text: string): VariableUse => ({
  path,
  text,
  kind: 'template',
});

export const none = (): [] => [];
