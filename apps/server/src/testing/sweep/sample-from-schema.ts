import { z } from 'zod';

/** The part of JSON Schema (as zod emits it into /openapi.json) that samples are made from. */
export interface JsonSchema {
  readonly type?: string | string[] | undefined;
  readonly properties?: Record<string, JsonSchema> | undefined;
  readonly items?: JsonSchema | undefined;
  readonly anyOf?: JsonSchema[] | undefined;
  readonly oneOf?: JsonSchema[] | undefined;
  readonly allOf?: JsonSchema[] | undefined;
  readonly enum?: unknown[] | undefined;
  readonly const?: unknown;
  readonly format?: string | undefined;
  readonly minLength?: number | undefined;
  readonly pattern?: string | undefined;
  readonly minimum?: number | undefined;
  readonly exclusiveMinimum?: number | undefined;
  readonly minItems?: number | undefined;
}

export const jsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    properties: z.record(z.string(), jsonSchema).optional(),
    items: jsonSchema.optional(),
    anyOf: z.array(jsonSchema).optional(),
    oneOf: z.array(jsonSchema).optional(),
    allOf: z.array(jsonSchema).optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    format: z.string().optional(),
    minLength: z.number().optional(),
    pattern: z.string().optional(),
    minimum: z.number().optional(),
    exclusiveMinimum: z.number().optional(),
    minItems: z.number().optional(),
  }),
);

// Loopback's discard port: a URL that passes validation and refuses connections at once,
// so nothing a sample starts (a crawl, a webhook check) leaves the machine.
const SAMPLE_URL = 'http://127.0.0.1:9/sample';

/**
 * A value the schema accepts, as far as its own keywords tell (patterns are not solved):
 * every property given, the first of each choice, the smallest number allowed. A request
 * built from it gets past validation into the route more often than random input does.
 */
export function sampleOf(schema: JsonSchema, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[0];
  const choice = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (choice !== undefined) return sampleOf(choice, name);
  if (schema.allOf !== undefined) {
    return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part, name)));
  }
  const type = Array.isArray(schema.type)
    ? schema.type.find((candidate) => candidate !== 'null')
    : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sampleOf(value, key)]),
      );
    case 'array': {
      const items = schema.items === undefined ? 'x' : sampleOf(schema.items, name);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => items);
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1;
    case 'boolean':
      return true;
    case 'string':
      return sampleString(schema, name);
    default:
      return null;
  }
}

/**
 * Strings that the patterns and refinements of Parley's schemas ask for (a colour, a hash, a
 * language code, a channel name): a pattern picks the first it matches; a refinement that
 * says nothing in the schema is met by the field's name.
 */
const PATTERN_CANDIDATES = ['#336699', 'a'.repeat(64), 'EN', 'WEB', 'sample'];
const BY_NAME: readonly (readonly [RegExp, string])[] = [
  [/email/i, 'ada@example.com'],
  [/phone|^from$|^to$/i, '+14155550123'],
  [/url|webhook/i, SAMPLE_URL],
  [/colou?r$/i, '#336699'],
  [/^language$/i, 'EN'],
  [/^channels?$/i, 'WEB'],
];

function sampleString(schema: JsonSchema, name: string): string {
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern);
    const fitting = PATTERN_CANDIDATES.find((candidate) => pattern.test(candidate));
    if (fitting !== undefined) return fitting;
  }
  switch (schema.format) {
    case 'email':
      return 'ada@example.com';
    case 'uri':
    case 'url':
      return SAMPLE_URL;
    case 'date-time':
      return new Date(0).toISOString();
    case 'date':
      return '2026-01-01';
    default:
  }
  const named = BY_NAME.find(([pattern]) => pattern.test(name));
  if (named !== undefined) return named[1];
  return 'sample'.padEnd(schema.minLength ?? 0, 'x');
}
