import { describe, expect, it } from 'vitest';
import {
  evaluate,
  formatDate,
  render,
  templateReferences,
  type TemplateScope,
} from './template.js';

const scope: TemplateScope = {
  variables: { name: 'ada', count: 3, cart: { items: [{ title: 'Tea' }] }, empty: '', flag: false },
  contact: { name: 'Ada Lovelace', email: 'ada@example.com' },
  conversation: { id: 'conv1' },
  channel: { type: 'whatsapp' },
  globals: { plan: 'pro' },
  now: Date.UTC(2025, 0, 2, 3, 4, 5),
};

describe('template', () => {
  it('renders variables, paths and namespaces', () => {
    expect(render('Hi {{name}}, {{ count }} items', scope)).toBe('Hi ada, 3 items');
    expect(render('{{cart.items.0.title}}', scope)).toBe('Tea');
    expect(
      render('{{contact.name}}/{{conversation.id}}/{{channel.type}}/{{global.plan}}', scope),
    ).toBe('Ada Lovelace/conv1/whatsapp/pro');
    expect(render('{{now}}', scope)).toBe('2025-01-02T03:04:05.000Z');
    expect(render('{{flag}}', scope)).toBe('false');
  });

  it('renders missing values empty, or the default filter', () => {
    expect(render('[{{missing}}][{{cart.nope.deeper}}]', scope)).toBe('[][]');
    expect(render('{{missing | default:"friend"}}', scope)).toBe('friend');
    expect(render("{{empty | default:'a|b'}}", scope)).toBe('a|b');
    expect(render('{{name | default:x}}', scope)).toBe('ada');
  });

  it('applies filters left to right', () => {
    expect(render('{{name | upper}} {{contact.name|lower}}', scope)).toBe('ADA ada lovelace');
    expect(render('{{cart | json}}', scope)).toBe('{"items":[{"title":"Tea"}]}');
    expect(render('{{missing | default:"x" | upper}}', scope)).toBe('X');
    expect(render('{{now | date:"DD/MM/YYYY HH:mm"}}', scope)).toBe('02/01/2025 03:04');
    expect(render('{{now | date}}', scope)).toBe('2025-01-02');
    expect(render('{{name | date}}', scope)).toBe('');
  });

  it('does not walk into prototypes', () => {
    expect(render('{{name.constructor}}{{cart.__proto__}}', scope)).toBe('');
  });

  it('evaluates a single expression to its raw value', () => {
    expect(evaluate('{{cart.items}}', scope)).toEqual([{ title: 'Tea' }]);
    expect(evaluate('{{count}}', scope)).toBe(3);
    expect(evaluate('n={{count}}', scope)).toBe('n=3');
  });

  it('lists references for validation', () => {
    expect(templateReferences('{{a.b | upper}} and {{ c | nope:1 }}')).toEqual([
      { path: ['a', 'b'], filters: ['upper'] },
      { path: ['c'], filters: ['nope'] },
    ]);
    expect(formatDate(new Date(Date.UTC(2024, 11, 31, 23, 59, 58)), 'YYYY-MM-DD HH:mm:ss')).toBe(
      '2024-12-31 23:59:58',
    );
  });
});
