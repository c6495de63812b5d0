import { z } from 'zod';
import { GuardedFetchError, type GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { AiFunctionRow } from '../store/ai-config-tables.js';
import type { ChatTool } from '../llm/openai-client.js';

/** What OpenAI accepts as a tool name. */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** A function's answer is cut to this many bytes before the model reads it. */
export const FUNCTION_RESULT_BYTES = 8 * 1_024;
const FUNCTION_TIMEOUT_MS = 10_000;

const PRIMITIVES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'] as const;

/** A function's parameters: a JSON Schema object, with the properties' types checked on calls. */
export const functionParametersSchema = z
  .object({
    type: z.literal('object'),
    properties: z.record(
      z.string().regex(/^[a-zA-Z0-9_]{1,64}$/),
      z.looseObject({ type: z.enum(PRIMITIVES).optional(), description: z.string().optional() }),
    ),
    required: z.array(z.string()).optional(),
  })
  .loose()
  .refine(
    (schema) => (schema.required ?? []).every((name) => name in schema.properties),
    'every required parameter must be one of the properties',
  );
export type FunctionParameters = z.infer<typeof functionParametersSchema>;

export const functionHeadersSchema = z.record(z.string().min(1).max(256), z.string().max(4_096));

/** The tool the model sees for a stored function. */
export function toolOf(row: AiFunctionRow): ChatTool {
  return {
    name: row.name,
    description: row.description,
    parameters: functionParametersSchema.parse(jsonOf(row.parameters)),
  };
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function typeOf(value: unknown): (typeof PRIMITIVES)[number] | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    default:
      return 'other';
  }
}

/** The arguments the model gave, checked against the schema: the object, or why it is wrong. */
export function checkArguments(
  parameters: FunctionParameters,
  json: string,
): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json === '' ? '{}' : json);
  } catch {
    return { ok: false, error: 'the arguments are not valid JSON' };
  }
  const args = z.record(z.string(), z.unknown()).safeParse(parsed);
  if (!args.success) return { ok: false, error: 'the arguments must be a JSON object' };
  for (const name of parameters.required ?? []) {
    if (args.data[name] === undefined) return { ok: false, error: `"${name}" is required` };
  }
  for (const [name, value] of Object.entries(args.data)) {
    const expected = parameters.properties[name]?.type;
    if (expected === undefined) continue;
    const actual = typeOf(value);
    const fits = actual === expected || (expected === 'integer' && Number.isInteger(value));
    if (!fits) return { ok: false, error: `"${name}" must be of type ${expected}` };
  }
  return { ok: true, args: args.data };
}

/** The function's URL with its `{{param}}` placeholders filled, each value URL-encoded. */
export function fillUrl(template: string, args: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (_, name: string) => {
    const value = args[name];
    if (value === undefined || value === null) return '';
    return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
  });
}

/**
 * Calls a stored function with the model's arguments through the SSRF-guarded client. Never
 * throws: a refused, failed or invalid call is an `{"error": ...}` the model reads and can
 * act on; an answer is its status and body, cut to 8 KB.
 */
export async function callFunction(
  http: GuardedHttpClient,
  row: AiFunctionRow,
  argumentsJson: string,
): Promise<string> {
  const fail = (error: string) => JSON.stringify({ error });
  const parameters = functionParametersSchema.safeParse(jsonOf(row.parameters));
  if (!parameters.success) return fail('the function is misconfigured');
  const checked = checkArguments(parameters.data, argumentsJson);
  if (!checked.ok) return fail(`invalid arguments: ${checked.error}`);
  const headers = functionHeadersSchema.safeParse(jsonOf(row.headers));
  try {
    const response = await http.fetch(fillUrl(row.url, checked.args), {
      method: row.method,
      headers: {
        ...(headers.success ? headers.data : {}),
        ...(row.method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      ...(row.method === 'POST' ? { body: JSON.stringify(checked.args) } : {}),
      timeoutMs: FUNCTION_TIMEOUT_MS,
      maxResponseBytes: FUNCTION_RESULT_BYTES,
    });
    const body = response.body.subarray(0, FUNCTION_RESULT_BYTES).toString('utf8');
    return JSON.stringify({
      status: response.status,
      body: response.truncated ? `${body}…(truncated)` : body,
    });
  } catch (error) {
    if (error instanceof GuardedFetchError) return fail(`${error.code}: ${error.message}`);
    return fail(error instanceof Error ? error.message : String(error));
  }
}
