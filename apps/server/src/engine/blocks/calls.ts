import { z } from 'zod';
import type {
  BlockResult,
  CallResult,
  ExecContext,
  ExternalCall,
  HttpCallResponse,
} from '../types.js';
import { field } from './common.js';

/** The longest any single call may take; blocks choose their own timeout up to this. */
export const MAX_CALL_TIMEOUT_MS = 30_000;

export const timeoutField = (fallback: number, max = MAX_CALL_TIMEOUT_MS) =>
  field(z.number().int().min(100).max(max).default(fallback), {
    label: 'Timeout (ms)',
    kind: 'number',
    help: `The call fails (and takes the failure edge) after this long; at most ${String(max)} ms.`,
  });

/** Parks the node until the caller has made `call` and resumes it with the result. */
export function awaitCall(ctx: ExecContext, call: ExternalCall, timeoutMs: number): BlockResult {
  return {
    next: null,
    outcome: `calling ${call.kind}`,
    effects: [{ type: 'call', nodeId: ctx.nodeId, callId: ctx.callId, call, timeoutMs }],
  };
}

/** The result this visit's call came back with, or null when the node was not resumed by it. */
export function callResultOf(ctx: ExecContext): CallResult | null {
  return ctx.resume?.type === 'call_result' ? ctx.resume.result : null;
}

/** While a call is out, a contact's message or a timer does not move the node. */
export const stillWaiting: BlockResult = { next: null, outcome: 'ignored: waiting for a call' };

const httpResponseSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string(),
});

/** An `http` call's value as a response; null when the caller handed back something else. */
export function httpResponseOf(value: unknown): HttpCallResponse | null {
  const parsed = httpResponseSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The body as JSON when it is JSON, else the text itself. */
export function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Reads `data.items[0].name`-style paths out of a JSON value; `$` or '' is the value itself.
 * Unknown segments give undefined, never a throw: a mapping to a missing field just stays unset.
 */
export function pick(value: unknown, path: string): unknown {
  const segments = path
    .replace(/^\$\.?/, '')
    .split(/[.[\]]/)
    .filter((segment) => segment !== '');
  let current: unknown = value;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (typeof current === 'object' && current !== null && !Array.isArray(current))
      current = Object.getOwnPropertyDescriptor(current, segment)?.value;
    else return undefined;
  }
  return current;
}
