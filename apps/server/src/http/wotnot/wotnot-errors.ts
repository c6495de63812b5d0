import type { ErrorDialect } from '../errors/dialect.js';
import type { ValidationIssue } from '../errors/validation-issue.js';

/**
 * WotNot's envelope, as its Public APIs page shows it:
 * `{"ok": false, "error": CODE, "code": CODE, "status": N, "message": "…"}`; validation
 * failures are 400 BAD_REQUEST with `message: [{message, path}]` phrased like WotNot's
 * (Joi) validator: `"user.email" must be a valid email`.
 */
export const wotnotErrors: ErrorDialect = {
  name: 'wotnot',
  toResponse({ error, issues }) {
    const message =
      issues.length > 0
        ? issues.map((issue) => ({ message: joiMessage(issue), path: issue.path }))
        : error.message;
    return {
      status: error.status,
      body: { ok: false, error: error.code, code: error.code, status: error.status, message },
    };
  },
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'an array',
  object: 'of type object',
};

/** Phrases one issue the way Joi does, so clients that match on messages keep working. */
export function joiMessage(issue: ValidationIssue): string {
  const label = `"${issue.path.length > 0 ? issue.path.join('.') : 'value'}"`;
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
      return `"${[...issue.path, ...(issue.keys ?? [])].join('.')}" is not allowed`;
    default:
      return `${label} ${issue.message}`;
  }
}
