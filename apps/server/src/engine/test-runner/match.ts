import { isDeepStrictEqual } from 'node:util';
import type { MessageContent } from '@parley/protocol';
import type { Session } from '../runtime.js';
import type { Effect } from '../types.js';
import { describeCall } from './fake-calls.js';
import type { Expectation, ExpectedMessage } from './scenario.js';

/**
 * Compares one turn's outcome with its expectations and explains every mismatch as lines
 * ready to print. Values are shown as JSON so that a type difference (`"42"` vs `42`) and
 * stray whitespace are visible in the diff.
 */

const show = (value: unknown): string =>
  // Variables hold JSON-like values (strings, numbers, lists, objects), all representable.
  value === undefined ? '(not set)' : JSON.stringify(value);

/** A bot message in one line: its text, then the button titles or the media kind. */
export function describeActual(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return show(content.text);
    case 'buttons':
      return `${show(content.text)} [${content.buttons.map((button) => button.title).join(' | ')}]`;
    case 'media':
      return `[${content.kind}]${content.caption === undefined ? '' : ` ${show(content.caption)}`}`;
    default:
      return `[${content.type}]`;
  }
}

export function describeExpected(expected: ExpectedMessage): string {
  if (typeof expected === 'string') return show(expected);
  if ('contains' in expected) return `(contains ${show(expected.contains)})`;
  const text = expected.text === undefined ? '(any text)' : show(expected.text);
  const buttons = expected.buttons === undefined ? '(any buttons)' : expected.buttons.join(' | ');
  return `${text} [${buttons}]`;
}

function textOf(content: MessageContent): string | null {
  if (content.type === 'text' || content.type === 'buttons') return content.text;
  if (content.type === 'media') return content.caption ?? null;
  return null;
}

/** A plain string is the exact text of a text or buttons message (buttons then unchecked). */
export function matches(expected: ExpectedMessage, actual: MessageContent): boolean {
  if (typeof expected === 'string') {
    return (actual.type === 'text' || actual.type === 'buttons') && actual.text === expected;
  }
  if ('contains' in expected) return textOf(actual)?.includes(expected.contains) ?? false;
  if (actual.type !== 'buttons') return false;
  if (expected.text !== undefined && expected.text !== actual.text) return false;
  const titles = actual.buttons.map((button) => button.title);
  return expected.buttons === undefined || isDeepStrictEqual(expected.buttons, titles);
}

/** A line-by-line diff of expected and sent messages; empty when they agree. */
export function diffMessages(expected: ExpectedMessage[], actual: MessageContent[]): string[] {
  const same =
    expected.length === actual.length &&
    expected.every((e, i) => {
      const sent = actual[i];
      return sent !== undefined && matches(e, sent);
    });
  if (same) return [];
  const lines = ['messages differ (- expected, + actual):'];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i];
    const a = actual[i];
    if (e !== undefined && a !== undefined && matches(e, a)) {
      lines.push(`    ${describeActual(a)}`);
      continue;
    }
    if (e !== undefined) lines.push(`  - ${describeExpected(e)}`);
    if (a !== undefined) lines.push(`  + ${describeActual(a)}`);
  }
  if (actual.length === 0) lines.push('  (the bot sent nothing this turn)');
  return lines;
}

export interface TurnOutcome {
  effects: Effect[];
  session: Session;
  /** The value of a variable after the turn, wherever the runtime keeps it. */
  variable(name: string): unknown;
}

/** Every way the turn falls short of its expectation, as printable lines. */
export function checkTurn(expect: Expectation | undefined, outcome: TurnOutcome): string[] {
  const problems: string[] = [];
  // A runtime error (step budget, broken node) is always a failure: a bot test must notice it.
  for (const effect of outcome.effects) {
    if (effect.type === 'error') {
      problems.push(`runtime error ${effect.code} at "${effect.nodeId ?? '?'}": ${effect.message}`);
    }
  }
  if (expect === undefined) return problems;
  const sent = outcome.effects.flatMap((effect) =>
    effect.type === 'send' ? [effect.content] : [],
  );
  if (expect.messages !== undefined) problems.push(...diffMessages(expect.messages, sent));
  if (expect.calls !== undefined) problems.push(...checkCalls(expect.calls, outcome.effects));
  for (const [name, value] of Object.entries(expect.variables ?? {})) {
    const actual = outcome.variable(name);
    if (!isDeepStrictEqual(actual, value)) {
      problems.push(`variable "${name}": expected ${show(value)}, actual ${show(actual)}`);
    }
  }
  if (expect.handover !== undefined) problems.push(...checkHandover(expect.handover, outcome));
  if (expect.ended !== undefined) {
    const ended = outcome.session.status === 'ended';
    if (ended !== expect.ended) {
      problems.push(
        `ended: expected ${String(expect.ended)}, actual ${String(ended)} (session ${outcome.session.status} at "${outcome.session.nodeId ?? ''}")`,
      );
    }
  }
  return problems;
}

function checkCalls(expected: readonly string[], effects: readonly Effect[]): string[] {
  const made = effects.flatMap((effect) =>
    effect.type === 'call' ? [describeCall(effect.call)] : [],
  );
  const same =
    expected.length === made.length && expected.every((prefix, i) => made[i]?.startsWith(prefix));
  if (same) return [];
  return [
    'calls differ (- expected, + actual):',
    ...expected.map((prefix) => `  - ${prefix}`),
    ...made.map((call) => `  + ${call}`),
    ...(made.length === 0 ? ['  (no call was made this turn)'] : []),
  ];
}

function checkHandover(wanted: NonNullable<Expectation['handover']>, outcome: TurnOutcome) {
  const handovers = outcome.effects.flatMap((effect) =>
    effect.type === 'handover' ? [effect] : [],
  );
  const first = handovers[0];
  if (wanted === false) {
    return first === undefined ? [] : [`handover: expected none, actual to ${show(first.teamId)}`];
  }
  if (first === undefined) return ['handover: expected a handover, actual none'];
  if (wanted !== true && wanted.team !== undefined && first.teamId !== wanted.team) {
    return [`handover: expected team ${show(wanted.team)}, actual team ${show(first.teamId)}`];
  }
  return [];
}
