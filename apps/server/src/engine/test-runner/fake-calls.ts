import { isDeepStrictEqual } from 'node:util';
import type { CallResult, ExternalCall } from '../types.js';
import type { Fakes } from './scenario.js';

/**
 * How `parley test-bot` answers a flow's external calls without a network: webhooks and
 * dynamic data from the scenario's recorded `fakes.http`, AI from `fakes.ai`, e-mails and
 * notifications as accepted. Codeblocks run for real, in the sandbox (`runCode`).
 */
export type CodeRunner = (input: {
  code: string;
  variables: Record<string, unknown>;
  timeoutMs: number;
}) => Promise<CallResult>;

/** One line naming a call, which `expect.calls` entries match by prefix. */
export function describeCall(call: ExternalCall): string {
  switch (call.kind) {
    case 'http':
      return `http ${call.request.method} ${call.request.url}`;
    case 'email':
      return `email ${call.to.join(',')}`;
    case 'notify':
      return `notify ${call.channelType} ${call.to}`;
    case 'ai':
      return `ai ${call.question}`;
    case 'code':
      return 'code';
  }
}

export async function resolveCall(
  call: ExternalCall,
  fakes: Fakes,
  runCode: CodeRunner,
  timeoutMs: number,
): Promise<CallResult> {
  switch (call.kind) {
    case 'http': {
      const { method, url, body } = call.request;
      const fake = fakes.http.find(
        (candidate) =>
          candidate.url === url &&
          (candidate.method === undefined || candidate.method.toUpperCase() === method) &&
          (candidate.request === undefined || sameBody(candidate.request, body)),
      );
      if (fake === undefined) return { ok: false, error: `no fake for ${method} ${url}` };
      if (fake.error !== undefined) return { ok: false, error: fake.error };
      const text = typeof fake.body === 'string' ? fake.body : JSON.stringify(fake.body ?? null);
      return { ok: true, value: { status: fake.status, headers: fake.headers, body: text } };
    }
    case 'ai': {
      const fake = fakes.ai.find((candidate) =>
        call.question.toLowerCase().includes((candidate.question ?? '').toLowerCase()),
      );
      if (fake === undefined || fake.answer === null) return { ok: false, error: 'no answer' };
      return { ok: true, value: { answer: fake.answer, citations: [] } };
    }
    case 'email':
    case 'notify':
      return fakes.fail.includes(call.kind)
        ? { ok: false, error: `${call.kind} failed (fakes.fail)` }
        : { ok: true, value: {} };
    case 'code':
      return runCode({ code: call.code, variables: call.variables, timeoutMs });
  }
}

/** A recorded request body matches when equal as JSON (or as text when not JSON). */
function sameBody(expected: unknown, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(actual);
    return isDeepStrictEqual(parsed, expected);
  } catch {
    return expected === actual;
  }
}
