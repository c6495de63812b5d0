import { describe, expect, it } from 'vitest';
import { createSession, step } from '../runtime.js';
import { contextAt, flowOf, press, say, sentTexts, type NodeSpec } from '../testing.js';
import type { FlowEvent } from '../types.js';
import { validateFlow } from '../validate.js';
import { blocks, blockTypes } from './index.js';
import { coerce } from './set-variable.js';

const T0 = Date.UTC(2025, 0, 1);

/** Runs `start → node` (plus extra nodes and edges), then the given follow-up events. */
function run(
  node: NodeSpec,
  edges: string[] = [],
  events: FlowEvent[] = [],
  extra: NodeSpec[] = [],
) {
  const flow = flowOf(
    [{ id: 's', type: 'start' }, node, ...extra],
    ['s->' + node.id, ...edges],
    [{ name: 'age', type: 'number', scope: 'conversation', default: 42 }],
  );
  let result = step(flow, createSession(T0), { type: 'start' }, contextAt(T0));
  for (const event of events) result = step(flow, result.session, event, contextAt(T0 + 1000));
  return result;
}
const sink = (id: string, text = id): NodeSpec => ({ id, type: 'message', data: { text } });

describe('every block', () => {
  it('is registered under its own type with a data schema and meta labels', () => {
    // Other test files cover the blocks added since; this one covers the first ten.
    expect(blockTypes).toEqual(
      expect.arrayContaining([
        'start',
        'message',
        'input',
        'buttons',
        'condition',
        'set_variable',
        'jump',
        'delay',
        'handover',
        'end',
      ]),
    );
    for (const type of blockTypes) expect(blocks[type].type).toBe(type);
  });

  it.each([
    ['message', {}, 'data'],
    ['message', { media: { kind: 'gif', url: 'x' } }, 'media'],
    ['input', { prompt: 'Q', kind: 'regex', variable: 'v', pattern: '(' }, 'pattern'],
    ['input', { prompt: 'Q', variable: 'v', maxRetries: -1 }, 'maxRetries'],
    ['buttons', { prompt: 'Q', buttons: [] }, 'buttons'],
    [
      'buttons',
      {
        prompt: 'Q',
        buttons: [
          { id: 'a', title: 'A' },
          { id: 'a', title: 'B' },
        ],
      },
      'buttons',
    ],
    ['condition', { groups: [{ rules: [{ variable: 'age', operator: '>' }] }] }, 'value'],
    [
      'condition',
      { groups: [{ rules: [{ variable: 'age', operator: 'like', value: '1' }] }] },
      'operator',
    ],
    ['set_variable', { variable: 'my var', value: 'x' }, 'variable'],
    ['set_variable', { variable: 'v', value: 'x', type: 'money' }, 'type'],
    ['jump', {}, 'target'],
    ['delay', { amount: 31, unit: 'days' }, 'amount'],
    ['delay', { amount: 0 }, 'amount'],
    ['handover', { teamId: '' }, 'teamId'],
    ['start', { keywords: [''] }, 'keywords'],
  ])('rejects invalid %s data %j, naming the node and field', (type, data, field) => {
    const result = validateFlow(
      flowOf(
        [
          { id: 's', type: 'start' },
          { id: 'n', type, data },
        ],
        ['s->n'],
      ),
    );
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.problems.find((p) => p.nodeId === 'n');
    expect(problem).toMatchObject({ code: 'invalid_data', nodeId: 'n' });
    expect(problem?.path.join('.')).toContain(field);
  });
});

describe('blocks', () => {
  it('message: sends text and media, and takes "error" when the media URL renders invalid', () => {
    const ok = run({
      id: 'm',
      type: 'message',
      data: { text: 'Age {{age}}', media: { kind: 'image', url: 'https://x.test/{{age}}.png' } },
    });
    expect(ok.effects[0]).toEqual({
      type: 'send',
      content: {
        type: 'media',
        kind: 'image',
        media: { url: 'https://x.test/42.png' },
        caption: 'Age 42',
      },
    });
    const bad = run(
      { id: 'm', type: 'message', data: { media: { kind: 'image', url: '{{nothing}}' } } },
      ['m:error->oops'],
      [],
      [sink('oops')],
    );
    expect(sentTexts(bad.effects)).toEqual(['oops']);
    expect(bad.log[1]?.outcome).toMatch(/^error/);
  });

  it('input: validates each kind and stores the parsed value', () => {
    const cases: [string, string, unknown][] = [
      ['phone', '+44 (20) 7946-0958', '+442079460958'],
      ['number', '3,5', 3.5],
      ['url', 'https://parley.dev/x', 'https://parley.dev/x'],
      ['text', ' hi ', 'hi'],
    ];
    for (const [kind, answer, value] of cases) {
      const result = run(
        { id: 'i', type: 'input', data: { prompt: 'Q', kind, variable: 'v' } },
        [],
        [say(answer)],
      );
      expect(result.session.variables.v).toEqual(value);
    }
    const regex = run(
      {
        id: 'i',
        type: 'input',
        data: { prompt: 'Code?', kind: 'regex', pattern: '[A-Z]{3}', variable: 'v', maxRetries: 0 },
      },
      ['i:invalid->no'],
      [say('abcd')],
      [sink('no')],
    );
    expect(sentTexts(regex.effects)).toEqual(['no']);
  });

  it('input: ignores timers while waiting', () => {
    const result = run(
      { id: 'i', type: 'input', data: { prompt: 'Q', variable: 'v' } },
      [],
      [{ type: 'timer', nodeId: 'i' }],
    );
    expect(result.session).toMatchObject({ status: 'waiting', nodeId: 'i' });
  });

  it('buttons: matches by payload, title in any case, or number; sends reply buttons', () => {
    const node = {
      id: 'b',
      type: 'buttons',
      data: {
        prompt: 'Pick',
        buttons: [
          { id: 'x', title: 'Sales' },
          { id: 'y', title: 'Support' },
        ],
      },
    };
    const edges = ['b:button:x->sales', 'b:button:y->support'];
    const extra = [sink('sales'), sink('support')];
    expect(run(node, edges).effects[0]).toMatchObject({
      content: {
        type: 'buttons',
        buttons: [
          { type: 'reply', id: 'x', title: 'Sales' },
          { type: 'reply', id: 'y' },
        ],
      },
    });
    expect(sentTexts(run(node, edges, [press('y', 'whatever')], extra).effects)).toEqual([
      'support',
    ]);
    expect(sentTexts(run(node, edges, [say('SALES')], extra).effects)).toEqual(['sales']);
    expect(sentTexts(run(node, edges, [say('2')], extra).effects)).toEqual(['support']);
    expect(run(node, edges, [say('3'), say('0')], extra).effects).toEqual([{ type: 'end' }]);
  });

  it('condition: and/or groups over text, number and empty operators', () => {
    const cond = (rules: unknown[], combinator = 'and', groups?: unknown[]) =>
      sentTexts(
        run(
          {
            id: 'c',
            type: 'condition',
            data: { combinator, groups: groups ?? [{ combinator, rules }] },
          },
          ['c:true->yes', 'c:false->no'],
          [],
          [sink('yes'), sink('no')],
        ).effects,
      )[0];
    const r = (variable: string, operator: string, value?: string) => ({
      variable,
      operator,
      value,
    });
    expect(cond([r('age', '>', '40'), r('age', '<=', '42')])).toBe('yes');
    expect(cond([r('age', '>', '42'), r('age', '!=', '42')])).toBe('no');
    expect(cond([r('age', '>', '42'), r('contact.name', 'equals', ' ada ')], 'or')).toBe('yes');
    expect(cond([r('contact.name', 'starts_with', 'AD'), r('contact.name', 'contains', 'd')])).toBe(
      'yes',
    );
    expect(cond([r('contact.name', 'regex', '^a.a$'), r('contact.email', 'is_empty')])).toBe('yes');
    expect(cond([r('contact.name', 'is_not_empty'), r('age', '=', 'abc')])).toBe('no');
    expect(
      cond([], 'or', [{ rules: [r('age', '<', '1')] }, { rules: [r('age', '>=', '{{age}}')] }]),
    ).toBe('yes');
  });

  it('set_variable: copies raw values, coerces types, and takes "error" when it cannot', () => {
    const ok = run({
      id: 'v',
      type: 'set_variable',
      data: { variable: 'n', value: '{{age}}7', type: 'number' },
    });
    expect(ok.session.variables.n).toBe(427);
    const bad = run(
      { id: 'v', type: 'set_variable', data: { variable: 'n', value: 'many', type: 'number' } },
      ['v:error->err'],
      [],
      [sink('err')],
    );
    expect(sentTexts(bad.effects)).toEqual(['err']);
    expect(coerce('yes', 'boolean')).toBe(true);
    expect(coerce('a, b', 'list')).toEqual(['a', 'b']);
    expect(coerce('[1]', 'list')).toEqual([1]);
    expect(coerce('{"a":1}', 'object')).toEqual({ a: 1 });
    expect(coerce(0, 'date')).toBe('1970-01-01T00:00:00.000Z');
    expect(typeof coerce('maybe', 'boolean')).toBe('symbol');
    expect(typeof coerce('[1', 'object')).toBe('symbol');
  });

  it('jump: continues at its target; a missing target stops the turn with an error', () => {
    expect(
      sentTexts(
        run({ id: 'j', type: 'jump', data: { target: 'there' } }, [], [], [sink('there')]).effects,
      ),
    ).toEqual(['there']);
    expect(run({ id: 'j', type: 'jump', data: { target: 'gone' } }).effects[0]).toMatchObject({
      type: 'error',
      code: 'unknown_node',
    });
  });

  it('delay: converts units to a timer', () => {
    const result = run({ id: 'd', type: 'delay', data: { amount: 1.5, unit: 'minutes' } });
    expect(result.effects).toEqual([{ type: 'timer', nodeId: 'd', at: T0 + 90_000 }]);
  });

  it('handover: assigns and ends; a handback without an edge leaves the bot ended', () => {
    const result = run(
      { id: 'h', type: 'handover', data: { userId: '7' } },
      [],
      [{ type: 'handback' }],
    );
    expect(result.session.status).toBe('ended');
    expect(result.effects).toEqual([{ type: 'end' }]);
  });

  it('end: ends the session with an end effect; a new message restarts the flow', () => {
    const result = run({ id: 'e', type: 'end' }, [], [say('again')]);
    expect(result.log.map((entry) => entry.nodeId)).toEqual(['s', 'e']);
    expect(result.effects).toEqual([{ type: 'end' }]);
  });
});
