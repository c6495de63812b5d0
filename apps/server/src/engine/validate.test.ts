import { describe, expect, it } from 'vitest';
import { flowJsonSchema } from './flow.js';
import { flowOf } from './testing.js';
import { validateFlow, type FlowProblem } from './validate.js';

const codes = (problems: FlowProblem[]) =>
  problems.map((p) => `${p.code}@${p.nodeId ?? '-'}`).sort();

function problemsOf(input: unknown): FlowProblem[] {
  const result = validateFlow(input);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('validateFlow', () => {
  it('accepts a start block alone and a well-formed flow', () => {
    expect(validateFlow(flowOf([{ id: 'start', type: 'start' }])).ok).toBe(true);
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'ask', type: 'input', data: { prompt: 'Email?', kind: 'email', variable: 'email' } },
        { id: 'hi', type: 'message', data: { text: 'Thanks {{email}} {{contact.name}}' } },
      ],
      ['s->ask', 'ask:next->hi'],
    );
    const result = validateFlow(flow);
    expect(result.ok && result.flow.nodes[1]?.id).toBe('ask');
  });

  it('reports a broken envelope, naming the node when the issue is inside one', () => {
    const problems = problemsOf({
      schemaVersion: 1,
      nodes: [{ id: 'n1', type: 'start', data: {}, position: { x: 'left' } }],
    });
    expect(problems[0]).toMatchObject({
      code: 'invalid_flow',
      nodeId: 'n1',
      path: ['position', 'x'],
    });
    expect(codes(problemsOf({ schemaVersion: 2, nodes: [] }))).toEqual(['invalid_flow@-']);
    expect(codes(problemsOf('nope'))).toEqual(['invalid_flow@-']);
  });

  it('finds every kind of problem in one broken flow, each on its node', () => {
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 's2', type: 'start' },
        { id: 'weird', type: 'teleport' },
        { id: 'bad', type: 'input', data: { prompt: '', kind: 'regex', variable: '1x' } },
        { id: 'msg', type: 'message', data: { text: 'Hi {{nobody}} {{contact.name | shout}}' } },
        {
          id: 'cond',
          type: 'condition',
          data: { groups: [{ rules: [{ variable: 'ghost', operator: 'is_empty' }] }] },
        },
        { id: 'island', type: 'end' },
        { id: 'j', type: 'jump', data: { target: 'nowhere' } },
        { id: 'a', type: 'set_variable', data: { variable: 'x', value: '1' } },
        { id: 'b', type: 'set_variable', data: { variable: 'y', value: '{{x}}' } },
      ],
      [
        's->msg',
        'msg->cond',
        'cond:true->a',
        'cond:maybe->j',
        'a->b',
        'b->a',
        'msg->ghost',
        'island->msg',
      ],
    );
    const problems = problemsOf(flow);
    expect(codes(problems)).toEqual(
      [
        'multiple_starts@s2',
        'unknown_block@weird',
        'invalid_data@bad',
        'invalid_data@bad',
        'invalid_data@bad',
        'undefined_variable@msg',
        'invalid_data@msg',
        'undefined_variable@cond',
        'unknown_handle@cond',
        'unknown_handle@island',
        'invalid_data@j',
        'dangling_edge@msg',
        'unreachable@weird',
        'unreachable@bad',
        'unreachable@island',
        'loop_without_wait@a',
      ].sort(),
    );
    const undefinedVariable = problems.find(
      (p) => p.code === 'undefined_variable' && p.nodeId === 'msg',
    );
    expect(undefinedVariable?.path).toEqual(['data', 'text']);
    expect(undefinedVariable?.message).toContain('"nobody"');
    expect(problems.filter((p) => p.nodeId === 'bad').map((p) => p.path)).toEqual(
      expect.arrayContaining([
        ['data', 'prompt'],
        ['data', 'variable'],
        ['data', 'pattern'],
      ]),
    );
    expect(problems.find((p) => p.code === 'loop_without_wait')?.message).toContain('a → b → a');
  });

  it('reports a missing start block once, on no node', () => {
    expect(codes(problemsOf(flowOf([])))).toEqual(['no_start@-']);
  });

  it('does not flag a loop that passes a waiting block', () => {
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        {
          id: 'ask',
          type: 'buttons',
          data: { prompt: 'Again?', buttons: [{ id: 'y', title: 'Yes' }] },
        },
        { id: 'j', type: 'jump', data: { target: 'ask' } },
      ],
      ['s->ask', 'ask:button:y->j', 'ask:fallback->j'],
    );
    expect(validateFlow(flow).ok).toBe(true);
  });

  it('accepts variables declared on the flow but set by no block', () => {
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'm', type: 'message', data: { text: '{{plan}} {{vip}}' } },
      ],
      ['s->m'],
      [
        { name: 'plan', type: 'string', scope: 'global' },
        { name: 'vip', type: 'boolean', scope: 'contact', default: false },
      ],
    );
    expect(validateFlow(flow).ok).toBe(true);
  });
});

describe('flowJsonSchema', () => {
  it('publishes every block with its editor metadata', () => {
    const text = JSON.stringify(flowJsonSchema());
    for (const type of [
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
    ]) {
      expect(text).toContain(`"const":"${type}"`);
    }
    expect(text).toContain('"label":"Save answer in"');
    expect(text).toContain('"kind":"template"');
  });
});
