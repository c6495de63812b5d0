import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { demoBots, demoFilePath } from '../demo/demo.js';
import { flowOf } from '../testing.js';
import { exitCode, fixedClock, formatReport, runScenarios, testBotCommand } from './index.js';

const [demo] = demoBots();
if (demo === undefined) throw new Error('the lead-capture demo is missing');

const greet = flowOf(
  [
    { id: 'start', type: 'start' },
    { id: 'hi', type: 'message', data: { text: 'Hello at {{now | date:"HH:mm"}}' } },
    { id: 'wait', type: 'delay', data: { amount: 2, unit: 'minutes' } },
    { id: 'later', type: 'message', data: { text: 'Later at {{now | date:"HH:mm"}}' } },
  ],
  ['start->hi', 'hi->wait', 'wait->later'],
);

describe('runScenarios', () => {
  it('reports a wrong expected reply with the scenario, the turn and a line diff', async () => {
    const scenarios = {
      scenarios: [
        {
          name: 'greeting',
          turns: [
            {
              expect: {
                messages: [{ contains: "Parley's demo" }, 'What is your name?', 'Extra line'],
              },
            },
            { user: 'Ada' },
          ],
        },
      ],
    };
    const report = await runScenarios(demo.flow, scenarios);
    expect(report.ok).toBe(false);
    expect(exitCode(report)).toBe(1);
    expect(report.results[0]?.failure?.turn).toBe(1);
    const text = formatReport(report);
    expect(text).toContain('✗ greeting');
    expect(text).toContain('turn 1 of 2 (start):');
    expect(text).toContain(`    - "What is your name?"`);
    expect(text).toContain(`    + "First, what's your name?"`);
    expect(text).toContain(`    - "Extra line"`);
    expect(text).toContain('(1 later turns not run)');
    expect(text).toContain('0 passed, 1 failed');
  });

  it('checks variables, handover and ended, showing expected and actual values', async () => {
    const scenarios = {
      scenarios: [
        {
          name: 'checks',
          turns: [
            {},
            { user: 'Ada', expect: { variables: { name: 'Bob', email: 'x' }, ended: true } },
          ],
        },
        { name: 'no handover', turns: [{ expect: { handover: { team: 'Sales' } } }] },
      ],
    };
    const text = formatReport(await runScenarios(demo.flow, scenarios));
    expect(text).toContain('variable "name": expected "Bob", actual "Ada"');
    expect(text).toContain('variable "email": expected "x", actual (not set)');
    expect(text).toContain('ended: expected true, actual false (session waiting at "ask_email")');
    expect(text).toContain('handover: expected a handover, actual none');
  });

  it('reports a button that was not offered and a timer that is not pending', async () => {
    const scenarios = {
      scenarios: [
        { name: 'button', turns: [{}, { user: { button: 'pricing' } }] },
        { name: 'timer', turns: [{}, { timer: true }] },
      ],
    };
    const text = formatReport(await runScenarios(demo.flow, scenarios));
    expect(text).toContain(
      'button "pricing" is not among the last buttons (no buttons were offered)',
    );
    expect(text).toContain(
      'no timer to fire for the session waits at "ask_name" (none is pending)',
    );
  });

  it('advances an injected clock to the due timer', async () => {
    const clock = fixedClock(Date.UTC(2030, 0, 1, 12, 0));
    const scenarios = {
      scenarios: [
        {
          name: 'clock',
          turns: [
            { expect: { messages: ['Hello at 12:00'] } },
            { timer: 'wait', expect: { messages: ['Later at 12:02'], ended: true } },
          ],
        },
      ],
    };
    const report = await runScenarios(greet, scenarios, { clock: () => clock });
    expect(formatReport(report)).toBe('✓ clock (2 turns)\n\n1 passed, 0 failed\n');
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1, 12, 2));
  });

  it('reports an invalid scenario document by scenario name and turn', async () => {
    const scenarios = {
      scenarios: [
        { name: 'ok', turns: [{}] },
        {
          name: 'broken',
          turns: [{ user: 'hi', timer: true }, { user: 42 }, { expects: {} }],
        },
      ],
    };
    const report = await runScenarios(demo.flow, scenarios);
    expect(report.results).toEqual([]);
    expect(exitCode(report)).toBe(1);
    const text = formatReport(report);
    expect(text).toContain('✗ The scenario file is invalid');
    expect(text).toContain('scenario "broken" (#2), turn 1: a turn has at most one of');
    expect(text).toContain('scenario "broken" (#2), turn 2: user: user must be a text');
    expect(text).toContain('scenario "broken" (#2), turn 3');
    expect(text).toContain('expects');
  });

  it('reports an invalid flow with its problems and runs nothing', async () => {
    const flow = flowOf([{ id: 'hi', type: 'message', data: { text: '{{missing}}' } }]);
    const report = await runScenarios(flow, { scenarios: [{ name: 'x', turns: [{}] }] });
    expect(report.ok).toBe(false);
    const text = formatReport(report);
    expect(text).toContain('✗ The flow is invalid');
    expect(text).toContain('the flow has no start block [no_start]');
    expect(text).toContain('node "hi": variable "missing" is neither declared');
  });
});

describe('testBotCommand', () => {
  const files: Record<string, string> = {
    'flow.json': JSON.stringify(demo.flow),
    'good.yaml':
      'scenarios:\n  - name: opens\n    turns:\n      - expect: { messages: [{ contains: Hi }, { contains: "name?" }] }\n',
    'bad.yaml': 'scenarios:\n  - name: opens\n    turns:\n      - expect: { messages: ["nope"] }\n',
    'broken.yaml': 'scenarios: [\n',
    'empty.json': '{"scenarios": []}',
  };
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await testBotCommand(args, {
      readFile: (path) => {
        const text = files[path];
        return text === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(text);
      },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('exits 0 when the scenarios pass and 1 with a diff when one fails', async () => {
    expect(await run(['flow.json', 'good.yaml'])).toMatchObject({ code: 0, out: /✓ opens/ });
    const failed = await run(['flow.json', 'bad.yaml']);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('✗ opens');
    expect(failed.out).toContain('- "nope"');
  });

  it('runs the shipped demo files from disk', async () => {
    const out: string[] = [];
    const args = ['lead-capture.flow.json', 'lead-capture.scenarios.yaml'].map(demoFilePath);
    const code = await testBotCommand(args, {
      readFile: (path) => readFile(path, 'utf8'),
      stdout: (text) => out.push(text),
      stderr: (text) => out.push(text),
    });
    expect(out.join('')).toContain('✓ happy path');
    expect(code).toBe(0);
  });

  it('exits 1 on unreadable, unparsable or invalid files and 2 on a usage error', async () => {
    expect(await run(['flow.json', 'missing.yaml'])).toMatchObject({ code: 1, err: /cannot read/ });
    expect(await run(['flow.json', 'broken.yaml'])).toMatchObject({ code: 1, err: /cannot parse/ });
    const empty = await run(['flow.json', 'empty.json']);
    expect(empty).toMatchObject({ code: 1, out: /scenario file is invalid/ });
    expect(await run(['flow.json'])).toMatchObject({ code: 2, err: /Usage: parley test-bot/ });
    expect(await run(['--help'])).toMatchObject({ code: 0, out: /Usage/ });
  });
});
