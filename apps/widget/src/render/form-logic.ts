import { parseValue, type ValueKind } from '@parley/protocol/validators';
import type { ContentOf } from './types.js';

export type Form = ContentOf<'form'>;
export type FormField = Form['fields'][number];

/** What the engine's form block matches: any reply that carries `values`. */
export const FORM_REPLY_ID = 'form';
const TITLE_MAX = 256;

const VALUE_KIND: Record<Exclude<FormField['kind'], 'select'>, ValueKind> = {
  text: 'text',
  textarea: 'text',
  email: 'email',
  phone: 'phone',
  number: 'number',
  date: 'date',
  url: 'url',
};

export const INVALID: Record<FormField['kind'], string> = {
  text: 'Please fill this in.',
  textarea: 'Please fill this in.',
  email: 'Enter a valid e-mail address.',
  phone: 'Enter a valid phone number.',
  number: 'Enter a number.',
  date: 'Enter a date as YYYY-MM-DD.',
  url: 'Enter a link starting with http:// or https://.',
  select: 'Choose one of the options.',
};

/** A record's own entry (never an inherited one such as `constructor`). */
export const own = (record: Readonly<Record<string, string>>, key: string): string | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/**
 * Why a field's raw value would be refused, or null when the server accepts it: the same
 * rules as the form block's `checkSubmission` (empty optional fields are skipped).
 */
export function fieldError(field: FormField, raw: string): string | null {
  if (raw.trim() === '') return field.required ? 'This field is required.' : null;
  if (field.kind === 'select') {
    const wanted = raw.trim().toLowerCase();
    const known = (field.options ?? []).some((option) => option.toLowerCase() === wanted);
    return known ? null : INVALID.select;
  }
  return parseValue(VALUE_KIND[field.kind], raw) === null ? INVALID[field.kind] : null;
}

/** The answer to send: the filled-in fields, and a "Label: value" summary as its title. */
export function formReply(form: Form, raw: Readonly<Record<string, string>>): ContentOf<'reply'> {
  const values: Record<string, string> = {};
  const lines: string[] = [];
  for (const field of form.fields) {
    const value = (own(raw, field.name) ?? '').trim();
    if (value === '') continue;
    values[field.name] = value;
    lines.push(`${field.label}: ${value}`);
  }
  const summary = lines.length === 0 ? form.submitLabel : lines.join('\n');
  const title = summary.length > TITLE_MAX ? `${summary.slice(0, TITLE_MAX - 1)}…` : summary;
  return { type: 'reply', replyTo: FORM_REPLY_ID, title, values };
}
