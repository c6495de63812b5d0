/**
 * Answer validators shared by the blocks that collect typed values (collect input, form):
 * one definition of "a valid e-mail" or "a valid phone number" for the whole engine, so a
 * form field and a collect-input question accept exactly the same answers.
 */

export const valueKinds = ['text', 'email', 'phone', 'number', 'url', 'date'] as const;
export type ValueKind = (typeof valueKinds)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that exists (no 31 February), or null. */
export function parseIsoDate(raw: string): string | null {
  const match = ISO_DATE.exec(raw.trim());
  if (match === null) return null;
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // Date.UTC rolls 2025-02-31 over into March: a round trip catches it.
  return date.toISOString().slice(0, 10) === match[0] ? match[0] : null;
}

/** The stored value of a valid answer of the given kind, or null when it is invalid. */
export function parseValue(kind: ValueKind, raw: string): string | number | null {
  const answer = raw.trim();
  if (answer === '') return null;
  switch (kind) {
    case 'text':
      return answer;
    case 'email':
      return EMAIL.test(answer) ? answer.toLowerCase() : null;
    case 'phone': {
      // Keep the digits and a leading +: the canonical form channels and CRMs expect.
      const digits = answer.replace(/[\s().-]/g, '');
      return /^\+?\d{6,15}$/.test(digits) ? digits : null;
    }
    case 'number': {
      const value = Number(answer.replace(',', '.'));
      return Number.isFinite(value) ? value : null;
    }
    case 'url':
      return URL.canParse(answer) && /^https?:\/\//i.test(answer) ? answer : null;
    case 'date':
      return parseIsoDate(answer);
  }
}
