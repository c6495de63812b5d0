import { describe, expect, it } from 'vitest';
import { flowJsonSchema } from '../flow.js';
import { flowOf, press, say, sentTexts } from '../testing.js';
import { validateFlow } from '../validate.js';
import { blocks, blockTypes } from './index.js';
import { problemPath, runBlock, sent, sink } from './interactive-testing.js';

const options = {
  id: 'o',
  type: 'options',
  data: {
    prompt: 'Hi {{contact.name}}, happy?',
    replies: [
      { id: 'y', title: 'Yes' },
      { id: 'n', title: 'No' },
    ],
    variable: 'mood',
  },
};
const optionEdges = ['o:option:y->yes', 'o:option:n->no', 'o:fallback->lost'];
const optionSinks = [sink('yes'), sink('no'), sink('lost')];

describe('the interactive blocks', () => {
  it('are registered under their own type', () => {
    const added = ['options', 'list', 'carousel', 'image_gallery', 'slider', 'calendar'];
    const more = ['form', 'collect_file', 'whatsapp_flow', 'catalogue'];
    expect(blockTypes).toEqual(expect.arrayContaining([...added, ...more]));
    for (const type of [...added, ...more]) expect(Reflect.get(blocks, type)).toBeDefined();
    // The published JSON Schema spells out each new block with its editor metadata.
    const schema = JSON.stringify(flowJsonSchema());
    for (const type of [...added, ...more]) expect(schema).toContain(`"const":"${type}"`);
    expect(schema).toContain('"label":"Time zone"');
    expect(schema).toContain('"label":"Accepted types"');
  });

  it.each([
    ['options', { prompt: '{{ghost}}', replies: [{ id: 'a', title: 'A' }] }, 'data.prompt'],
    [
      'list',
      {
        text: 'T',
        buttonText: 'B',
        sections: [{ rows: [{ id: 'a', title: 'A' }] }],
        retryPrompt: '{{ghost}}',
      },
      'data.retryPrompt',
    ],
    ['carousel', { cards: [{ title: 'A', subtitle: '{{ghost}}' }] }, 'data.cards.0.subtitle'],
    [
      'image_gallery',
      { images: [{ url: 'https://x.test/a.png', caption: '{{ghost}}' }] },
      'data.images.0.caption',
    ],
    ['catalogue', { catalogId: 'c', products: [{ id: 'p' }], text: '{{ghost}}' }, 'data.text'],
  ])('%s reports the variables its templates read', (type, data, path) => {
    const result = validateFlow(
      flowOf(
        [
          { id: 's', type: 'start' },
          { id: 'n', type, data },
        ],
        ['s->n'],
      ),
    );
    const problem = result.ok ? undefined : result.problems[0];
    expect(problem).toMatchObject({ nodeId: 'n', code: 'undefined_variable' });
    expect(problem?.path.join('.')).toBe(path);
  });
});

describe('options', () => {
  it('sends quick replies and follows the chosen option, by payload, title or number', () => {
    const asked = runBlock(options);
    expect(sent(asked.effects)).toEqual([
      {
        type: 'quick_replies',
        text: 'Hi Ada, happy?',
        replies: [
          { id: 'y', title: 'Yes' },
          { id: 'n', title: 'No' },
        ],
      },
    ]);
    expect(asked.session).toMatchObject({ status: 'waiting', nodeId: 'o' });
    const pressed = runBlock(options, {
      edges: optionEdges,
      extra: optionSinks,
      events: [press('n', 'x')],
    });
    expect(sentTexts(pressed.effects)).toEqual(['no']);
    expect(pressed.session.variables.mood).toBe('No');
    const typed = runBlock(options, {
      edges: optionEdges,
      extra: optionSinks,
      events: [say(' YES ')],
    });
    expect(sentTexts(typed.effects)).toEqual(['yes']);
    const numbered = runBlock(options, {
      edges: optionEdges,
      extra: optionSinks,
      events: [say('2')],
    });
    expect(sentTexts(numbered.effects)).toEqual(['no']);
  });

  it('re-asks once, then takes "fallback"; a timer is not an answer', () => {
    const run = (n: number) =>
      runBlock(options, {
        edges: optionEdges,
        extra: optionSinks,
        events: [{ type: 'timer', nodeId: 'o' }, ...Array.from({ length: n }, () => say('maybe'))],
      });
    expect(run(1).log.at(-1)?.outcome).toBe('retry');
    expect(sent(run(1).effects)[0]?.type).toBe('quick_replies');
    expect(sentTexts(run(2).effects)).toEqual(['lost']);
    expect(run(2).session.variables.mood).toBeUndefined();
  });

  it.each([
    [
      { prompt: 'Q', replies: Array.from({ length: 14 }, (_, i) => ({ id: `r${i}`, title: 'R' })) },
      'data.replies',
    ],
    [
      {
        prompt: 'Q',
        replies: [
          { id: 'a', title: 'A' },
          { id: 'a', title: 'B' },
        ],
      },
      'data.replies',
    ],
    [{ prompt: 'Q', replies: [{ id: 'a', title: '' }] }, 'data.replies.0.title'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('options', data)).toBe(path);
  });
});

describe('list', () => {
  const list = {
    id: 'l',
    type: 'list',
    data: {
      text: 'Pick a plan, {{contact.name}}',
      buttonText: 'Plans',
      sections: [
        {
          title: 'Monthly',
          rows: [
            { id: 'm1', title: 'Basic', description: '5 €' },
            { id: 'm2', title: 'Pro' },
          ],
        },
        { rows: [{ id: 'y1', title: 'Yearly' }] },
      ],
      variable: 'plan',
      retryPrompt: 'Please pick from the list',
      maxRetries: 2,
    },
  };
  const edges = ['l:row:m1->basic', 'l:row:m2->pro', 'l:row:y1->yearly', 'l:fallback->lost'];
  const extra = [sink('basic'), sink('pro'), sink('yearly'), sink('lost')];

  it('sends a list message and follows the chosen row by id, title or number', () => {
    expect(sent(runBlock(list).effects)).toEqual([
      {
        type: 'list',
        text: 'Pick a plan, Ada',
        buttonText: 'Plans',
        sections: [
          {
            title: 'Monthly',
            rows: [
              { id: 'm1', title: 'Basic', description: '5 €' },
              { id: 'm2', title: 'Pro' },
            ],
          },
          { rows: [{ id: 'y1', title: 'Yearly' }] },
        ],
      },
    ]);
    const byId = runBlock(list, { edges, extra, events: [press('m2', 'Pro')] });
    expect(sentTexts(byId.effects)).toEqual(['pro']);
    expect(byId.session.variables.plan).toBe('Pro');
    // Rows are numbered across sections: the third is the first of the second section.
    expect(sentTexts(runBlock(list, { edges, extra, events: [say('3')] }).effects)).toEqual([
      'yearly',
    ]);
    expect(sentTexts(runBlock(list, { edges, extra, events: [say('basic')] }).effects)).toEqual([
      'basic',
    ]);
  });

  it('re-asks with the retry text up to maxRetries, then takes "fallback"', () => {
    const twice = runBlock(list, { edges, extra, events: [say('x'), say('y')] });
    expect(sent(twice.effects)).toMatchObject([
      { type: 'list', text: 'Please pick from the list' },
    ]);
    expect(twice.session.status).toBe('waiting');
    const thrice = runBlock(list, { edges, extra, events: [say('x'), say('y'), press('zz')] });
    expect(sentTexts(thrice.effects)).toEqual(['lost']);
  });

  it('has one handle per row: an edge from an unknown row is reported', () => {
    const flow = flowOf([{ id: 's', type: 'start' }, list, sink('a')], ['s->l', 'l:row:zz->a']);
    const result = validateFlow(flow);
    expect(result.ok ? [] : result.problems).toMatchObject([
      { nodeId: 'l', code: 'unknown_handle', path: ['edges', 'e1', 'sourceHandle'] },
    ]);
  });

  const row = (id: string) => ({ id, title: id });
  it.each([
    [
      {
        text: 'T',
        buttonText: 'B',
        sections: [
          { rows: Array.from({ length: 6 }, (_, i) => row(`a${i}`)) },
          { rows: Array.from({ length: 5 }, (_, i) => row(`b${i}`)) },
        ],
      },
      'data.sections',
    ],
    [
      { text: 'T', buttonText: 'B', sections: [{ rows: [row('a')] }, { rows: [row('a')] }] },
      'data.sections',
    ],
    [
      { text: 'T', buttonText: 'A button text too long', sections: [{ rows: [row('a')] }] },
      'data.buttonText',
    ],
    [{ text: 'T', buttonText: 'B', sections: [{ rows: [] }] }, 'data.sections.0.rows'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('list', data)).toBe(path);
  });
});
