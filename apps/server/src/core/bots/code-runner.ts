import { runCodeblock, type SandboxFetch } from '../../sandbox/codeblock-sandbox.js';
import type { CodeRunner } from './bot-calls.js';

/**
 * Codeblocks on the server: user code in the QuickJS sandbox, its only way out a `fetch`
 * through the SSRF-guarded client. The error names the limit that stopped it.
 */
export function sandboxCodeRunner(fetch: SandboxFetch): CodeRunner {
  return async ({ code, variables, timeoutMs }) => {
    const result = await runCodeblock({ code, variables, limits: { timeoutMs }, fetch });
    return result.ok
      ? { ok: true, value: result.variables }
      : { ok: false, error: `${result.error.code}: ${result.error.message}` };
  };
}
