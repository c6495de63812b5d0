import { exitCode, formatReport } from './report.js';
import { runScenarios } from './run.js';
import { parseDocument } from './scenario.js';

export const TEST_BOT_USAGE = `Usage: parley test-bot <flow.json> <scenarios.yaml|json>

Runs each scenario through the flow runtime (no server, no database) and prints a diff
for every failing one. Exit status: 0 when all pass, 1 on a failure or an invalid file,
2 on a usage error.`;

/** What the command touches; injected so tests run it without a process or a disk. */
export interface TestBotIo {
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

type Loaded = { ok: true; value: unknown } | { ok: false; error: string };

async function load(io: TestBotIo, path: string, what: string): Promise<Loaded> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    return { ok: false, error: `cannot read the ${what} ${path}: ${messageOf(error)}` };
  }
  try {
    return { ok: true, value: parseDocument(text, path) };
  } catch (error) {
    return { ok: false, error: `cannot parse the ${what} ${path}: ${messageOf(error)}` };
  }
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** `parley test-bot <flow> <scenarios>`; resolves to the exit status. */
export async function testBotCommand(args: string[], io: TestBotIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${TEST_BOT_USAGE}\n`);
    return 0;
  }
  const [flowPath, scenariosPath, ...extra] = args;
  if (flowPath === undefined || scenariosPath === undefined || extra.length > 0) {
    io.stderr(`${TEST_BOT_USAGE}\n`);
    return 2;
  }
  const flow = await load(io, flowPath, 'flow');
  const scenarios = await load(io, scenariosPath, 'scenario file');
  const errors = [flow, scenarios].flatMap((loaded) => (loaded.ok ? [] : [loaded.error]));
  if (!flow.ok || !scenarios.ok) {
    io.stderr(`${errors.join('\n')}\n`);
    return 1;
  }
  const report = await runScenarios(flow.value, scenarios.value);
  // The report goes to stdout even on failure: it is the command's output, which CI logs keep.
  io.stdout(formatReport(report));
  return exitCode(report);
}
