import { runCodeblock } from '../../sandbox/codeblock-sandbox.js';
import type { CodeRunner } from './fake-calls.js';

/** Codeblocks in `parley test-bot` run in the real sandbox, with no network at all. */
export const sandboxRunCode: CodeRunner = async ({ code, variables, timeoutMs }) => {
  const result = await runCodeblock({ code, variables, limits: { timeoutMs } });
  return result.ok
    ? { ok: true, value: result.variables }
    : { ok: false, error: `${result.error.code}: ${result.error.message}` };
};
