import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** One failed rule of a request schema, in a form every dialect can phrase its own way. */
export interface ValidationIssue {
  readonly path: readonly string[];
  /** zod's issue code: invalid_type, invalid_format, too_small, … */
  readonly code: string;
  readonly message: string;
  readonly expected?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  /** The value was absent (as opposed to present with a wrong type). */
  readonly missing: boolean;
}

/** Reads fastify-type-provider-zod's validation error into issues, or undefined if it is not one. */
export function validationIssues(error: unknown): ValidationIssue[] | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  return error.validation.map((entry) => {
    const params: Record<string, unknown> = { ...entry.params };
    const path = entry.instancePath.split('/').filter((segment: string) => segment !== '');
    return {
      path,
      code: entry.keyword,
      message: entry.message ?? 'is invalid',
      expected: stringOrUndefined(params.expected),
      format: stringOrUndefined(params.format),
      minimum: numberOrUndefined(params.minimum),
      maximum: numberOrUndefined(params.maximum),
      values: Array.isArray(params.values) ? params.values : undefined,
      keys: Array.isArray(params.keys) ? params.keys.filter((key): key is string => typeof key === 'string') : undefined,
      missing: / received undefined$/.test(entry.message ?? ''),
    };
  });
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
