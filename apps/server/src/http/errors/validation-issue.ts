import { z } from 'zod';

/** One failed rule of a request schema, in a form every dialect can phrase its own way. */
export interface ValidationIssue {
  readonly path: readonly string[];
  /** zod's issue code: invalid_type, invalid_format, too_small, … */
  readonly code: string;
  readonly message: string;
  readonly expected?: string | undefined;
  readonly format?: string | undefined;
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
  readonly values?: readonly unknown[] | undefined;
  readonly keys?: readonly string[] | undefined;
  /** The value was absent (as opposed to present with a wrong type). */
  readonly missing: boolean;
}

/**
 * The validation error Fastify raises when a request does not match its zod schema
 * (fastify-type-provider-zod puts zod's issues, minus path/code/message, in `params`).
 * Read through a schema of its own rather than the library's loosely typed guard.
 */
const validationErrorShape = z.object({
  validation: z.array(
    z.object({
      instancePath: z.string(),
      keyword: z.string(),
      message: z.string().optional(),
      params: z
        .object({
          expected: z.string().optional(),
          format: z.string().optional(),
          minimum: z.union([z.number(), z.bigint()]).optional(),
          maximum: z.union([z.number(), z.bigint()]).optional(),
          values: z.array(z.unknown()).optional(),
          keys: z.array(z.string()).optional(),
        })
        .loose(),
    }),
  ),
});

/** Reads a request-validation error into issues, or undefined if it is not one. */
export function validationIssues(error: unknown): ValidationIssue[] | undefined {
  const parsed = validationErrorShape.safeParse(error);
  if (!parsed.success) return undefined;
  return parsed.data.validation.map(({ instancePath, keyword, message, params }) => ({
    path: instancePath.split('/').filter((segment) => segment !== ''),
    code: keyword,
    message: message ?? 'is invalid',
    expected: params.expected,
    format: params.format,
    minimum: params.minimum === undefined ? undefined : Number(params.minimum),
    maximum: params.maximum === undefined ? undefined : Number(params.maximum),
    values: params.values,
    keys: params.keys,
    missing: (message ?? '').endsWith(' received undefined'),
  }));
}
