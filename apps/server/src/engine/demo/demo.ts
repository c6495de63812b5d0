import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/**
 * The demo bots that ship with Parley: each a flow document and the scenarios that test it.
 * The files sit beside this module and are read at run time, since the server runs the
 * TypeScript sources through tsx; from a compiled `dist/` build (where tsc copies no JSON or
 * YAML) the same path under `src/` is used instead.
 */

export interface DemoBot {
  /** A stable key, also the file prefix: `lead-capture`. */
  name: string;
  /** The bot's title for a template list or a seeded bot. */
  title: string;
  /** The flow document, as stored in a bot's draft (validate it with validateFlow). */
  flow: unknown;
  /** The parsed scenario document, for runScenarios. */
  scenarios: unknown;
}

const DEMOS = [
  { name: 'lead-capture', title: 'Lead capture' },
  { name: 'widget-tour', title: 'Widget tour' },
  { name: 'faq-assistant', title: 'FAQ assistant' },
] as const;

function locate(file: string): string {
  const beside = fileURLToPath(new URL(`./${file}`, import.meta.url));
  if (existsSync(beside)) return beside;
  const fromSource = beside.replace(/([\\/])dist([\\/])/, '$1src$2');
  if (existsSync(fromSource)) return fromSource;
  throw new Error(`demo bot file ${file} not found (looked at ${beside})`);
}

/** The path of a demo file, e.g. for `parley test-bot` or docs. */
export const demoFilePath = locate;

export function demoBots(): DemoBot[] {
  return DEMOS.map((demo) => {
    const flow: unknown = JSON.parse(readFileSync(locate(`${demo.name}.flow.json`), 'utf8'));
    const scenarios: unknown = parseYaml(
      readFileSync(locate(`${demo.name}.scenarios.yaml`), 'utf8'),
    );
    return { name: demo.name, title: demo.title, flow, scenarios };
  });
}
