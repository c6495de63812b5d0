import type { ErrorDialect } from '../errors/dialect.js';
import type { ValidationIssue } from '../errors/validation-issue.js';
import type { ErrorCode } from '../../core/errors/catalog.js';

/**
 * How one WotNot route deviates from the common envelope, as the docs show it: some routes
 * phrase a code differently ("Team does not exist." with 400), one reports validation as
 * INVALID_DATA, one in a field → messages map.
 */
export interface WotnotRouteErrors {
  readonly overrides?: Partial<Record<ErrorCode, { status?: number; message?: string }>>;
  readonly validation?: 'joi' | 'invalid_data' | 'field_map';
}

/**
 * WotNot's envelope, as its Public APIs page shows it:
 * `{"ok": false, "error": CODE, "code": CODE, "status": N, "message": "…"}`; validation
 * failures are 400 BAD_REQUEST with `message: [{message, path}]` phrased like WotNot's
 * (Joi) validator: `"user.email" must be a valid email`.
 */
export function wotnotErrorsFor(route: WotnotRouteErrors = {}): ErrorDialect {
  return {
    name: 'wotnot',
    toResponse({ error, issues }) {
      const override = route.overrides?.[error.code];
      const status = override?.status ?? error.status;
      if (issues.length > 0 && route.validation === 'field_map') {
        const fields: Record<string, string[]> = {};
        for (const issue of issues)
          (fields[issue.path[0] ?? '_schema'] ??= []).push(fieldMessage(issue));
        return { status, body: { ok: false, message: fields, status, error: 'BAD_REQUEST' } };
      }
      if (issues.length > 0 && route.validation === 'invalid_data') {
        const message = issues.map(joiMessage).join('; ');
        return {
          status,
          body: { ok: false, error: 'INVALID_DATA', code: 'INVALID_DATA', message, status },
        };
      }
      const message =
        issues.length > 0
          ? issues.map((issue) => ({ message: joiMessage(issue), path: joiPath(issue.path) }))
          : (override?.message ?? error.message);
      return { status, body: { ok: false, error: error.code, code: error.code, status, message } };
    },
  };
}

export const wotnotErrors: ErrorDialect = wotnotErrorsFor();

/** Marshmallow's phrasing, which the variables endpoint shows. */
function fieldMessage(issue: ValidationIssue): string {
  if (issue.code === 'too_small' && issue.minimum !== undefined)
    return `Shorter than minimum length ${issue.minimum}.`;
  if (issue.missing) return 'Missing data for required field.';
  return issue.message;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'an array',
  object: 'of type object',
};

/** Joi's label of a path: `user.email`, `contacts[0].phone`. */
export function joiLabel(path: readonly string[]): string {
  return path.reduce(
    (label, segment) =>
      /^\d+$/.test(segment)
        ? `${label}[${segment}]`
        : label === ''
          ? segment
          : `${label}.${segment}`,
    '',
  );
}

/** Joi's path: array indexes as numbers (`["contacts", 0]`). */
export function joiPath(path: readonly string[]): (string | number)[] {
  return path.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** Phrases one issue the way Joi does, so clients that match on messages keep working. */
export function joiMessage(issue: ValidationIssue): string {
  const label = `"${issue.path.length > 0 ? joiLabel(issue.path) : 'value'}"`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.missing) return `${label} is required`;
      return `${label} must be ${TYPE_NAMES[issue.expected ?? ''] ?? `of type ${issue.expected ?? 'unknown'}`}`;
    case 'invalid_format':
      if (issue.format === 'email') return `${label} must be a valid email`;
      if (issue.format === 'url') return `${label} must be a valid uri`;
      return `${label} with value fails to match the required pattern`;
    case 'too_small':
      if (issue.minimum === 1 && issue.expected !== 'number')
        return `${label} is not allowed to be empty`;
      return `${label} must be greater than or equal to ${issue.minimum ?? 0}`;
    case 'too_big':
      return `${label} must be less than or equal to ${issue.maximum ?? 0}`;
    case 'invalid_value':
      return `${label} must be one of [${(issue.values ?? []).map(String).join(', ')}]`;
    case 'unrecognized_keys':
      return `"${joiLabel([...issue.path, ...(issue.keys ?? [])])}" is not allowed`;
    case 'custom':
      // Services phrase their own issues whole (`"phone" must be …`); schema refinements
      // give only the predicate (`must contain at least one of [email, phone]`).
      return issue.message.startsWith('"') ? issue.message : `${label} ${issue.message}`;
    default:
      return `${label} ${issue.message}`;
  }
}
