import { contentToText, type MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { flowOf, say, sentTexts } from '../testing.js';
import type { FlowEvent } from '../types.js';
import { validateFlow } from '../validate.js';
import { accepts } from './collect-file.js';
import { problemPath, runBlock, sent, sink, submit } from './interactive-testing.js';
import { parseValue } from '@parley/protocol/validators';

const after = { edges: ['n->ok', 'n:fallback->lost'], extra: [sink('ok'), sink('lost')] };

describe('form', () => {
  const fields = [
    { name: 'name', label: 'Name', required: true },
    { name: 'email', label: 'Email', kind: 'email', required: true },
    { name: 'age', label: 'Age', kind: 'number' },
    { name: 'plan', label: 'Plan', kind: 'select', options: ['Basic', 'Pro'] },
    { name: 'start', label: 'Start', kind: 'date' },
  ];
  const form = (extra: Record<string, unknown> = {}) => ({
    id: 'n',
    type: 'form',
    data: { title: 'Sign up, {{contact.name}}', fields, ...extra },
  });
  const good = {
    name: ' Grace ',
    email: 'GRACE@Navy.test',
    age: '36',
    plan: 'pro',
    start: '2025-02-01',
  };

  it('sends the form and saves every field, validated and normalised', () => {
    expect(sent(runBlock(form()).effects)).toEqual([
      {
        type: 'form',
        title: 'Sign up, Ada',
        fields: [
          { name: 'name', label: 'Name', kind: 'text', required: true },
          { name: 'email', label: 'Email', kind: 'email', required: true },
          { name: 'age', label: 'Age', kind: 'number', required: false },
          {
            name: 'plan',
            label: 'Plan',
            kind: 'select',
            required: false,
            options: ['Basic', 'Pro'],
          },
          { name: 'start', label: 'Start', kind: 'date', required: false },
        ],
        submitLabel: 'Submit',
      },
    ]);
    const done = runBlock(form(), { ...after, events: [submit(good)] });
    expect(done.session.variables).toEqual({
      name: 'Grace',
      email: 'grace@navy.test',
      age: 36,
      plan: 'Pro',
      start: '2025-02-01',
    });
    expect(sentTexts(done.effects)).toEqual(['ok']);
    // Optional fields left empty are not written.
    const minimal = runBlock(form(), {
      ...after,
      events: [submit({ name: 'G', email: 'g@x.io' })],
    });
    expect(minimal.session.variables).toEqual({ name: 'G', email: 'g@x.io' });
  });

  it('re-sends the form after an invalid submission, naming the wrong fields', () => {
    const wrong = { ...good, name: '', email: 'grace', plan: 'Gold', start: '2025-02-30' };
    const retried = runBlock(form(), { ...after, events: [submit(wrong)] });
    const [error, again] = sent(retried.effects);
    expect(error).toEqual({ type: 'text', text: 'Please check: Name, Email, Plan, Start' });
    expect(again?.type).toBe('form');
    expect(retried.session.variables).toEqual({});
    const custom = runBlock(form({ errorText: 'Sorry {{contact.name}}, fix:' }), {
      events: [submit({ ...good, age: 'old' })],
    });
    expect(sentTexts(custom.effects)).toEqual(['Sorry Ada, fix: Age', 'form']);
    // A typed message is no submission: without an error text, only the form again.
    expect(sentTexts(runBlock(form(), { events: [say('hello')] }).effects)).toEqual(['form']);
  });

  it('takes "fallback" once the retries are used up', () => {
    const events: FlowEvent[] = [submit({ name: 'G' }), submit({ name: 'G', email: 'x' })];
    const lost = runBlock(form(), { ...after, events });
    expect(sentTexts(lost.effects)).toEqual(['lost']);
    const patient = runBlock(form({ maxRetries: 2 }), {
      ...after,
      events: [...events, submit(good)],
    });
    expect(sentTexts(patient.effects)).toEqual(['ok']);
  });

  it('declares its fields as variables, so later blocks may read them', () => {
    const flow = flowOf(
      [{ id: 's', type: 'start' }, form(), sink('m', 'Thanks {{name}}')],
      ['s->n', 'n->m'],
    );
    expect(validateFlow(flow).ok).toBe(true);
  });

  it('shares the validators of "Collect input"', () => {
    expect(parseValue('phone', '+44 (20) 7946-0958')).toBe('+442079460958');
    expect(parseValue('date', '2024-02-29')).toBe('2024-02-29');
    expect(parseValue('date', '2025-02-29')).toBeNull();
  });

  it.each([
    [{ fields: [{ name: 'p', label: 'P', kind: 'select' }] }, 'data.fields.0.options'],
    [
      {
        fields: [
          { name: 'a', label: 'A' },
          { name: 'a', label: 'B' },
        ],
      },
      'data.fields',
    ],
    [{ fields: [{ name: 'my field', label: 'A' }] }, 'data.fields.0.name'],
    [{ fields: [{ name: 'a', label: 'A', kind: 'signature' }] }, 'data.fields.0.kind'],
    [{ fields: [] }, 'data.fields'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('form', data)).toBe(path);
  });
});

const file = (kind: 'image' | 'document', media: Record<string, unknown>): FlowEvent => ({
  type: 'message',
  content: { type: 'media', kind, media: { url: 'https://cdn.test/f', ...media } },
});

describe('collect_file', () => {
  const collect = (extra: Record<string, unknown> = {}) => ({
    id: 'n',
    type: 'collect_file',
    data: {
      prompt: 'Your ID, {{contact.name}}?',
      accept: ['image/*', 'application/pdf'],
      maxBytes: 1_000,
      variable: 'doc',
      nameVariable: 'docName',
      ...extra,
    },
  });

  it('asks for a file and saves its URL and name', () => {
    expect(sent(runBlock(collect()).effects)).toEqual([
      {
        type: 'file_request',
        text: 'Your ID, Ada?',
        accept: ['image/*', 'application/pdf'],
        maxBytes: 1_000,
      },
    ]);
    const pdf = file('document', { mime: 'application/pdf', size: 900, filename: 'id.pdf' });
    const done = runBlock(collect(), { ...after, events: [pdf] });
    expect(done.session.variables).toEqual({ doc: 'https://cdn.test/f', docName: 'id.pdf' });
    expect(sentTexts(done.effects)).toEqual(['ok']);
  });

  it('checks the type (by MIME type, or by kind for a wildcard) and the size', () => {
    const media = (kind: 'image' | 'document', mime?: string): MessageContent => ({
      type: 'media',
      kind,
      media: { url: 'https://cdn.test/f', ...(mime === undefined ? {} : { mime }) },
    });
    const check = (content: MessageContent, patterns = ['image/*', 'application/pdf']) =>
      content.type === 'media' && accepts(patterns, content);
    expect(check(media('image'))).toBe(true);
    expect(check(media('document', 'image/png; q=1'))).toBe(true);
    expect(check(media('document'))).toBe(false);
    expect(check(media('document', 'application/zip'))).toBe(false);
    expect(check(media('document', 'application/zip'), [])).toBe(true);
    const big = runBlock(collect(), { ...after, events: [file('image', { size: 1_001 })] });
    expect(big.session.variables).toEqual({});
    expect(sent(big.effects)[0]?.type).toBe('file_request');
  });

  it('treats text as a retry, then takes "fallback"', () => {
    const node = collect({ retryPrompt: 'A photo or a PDF, please' });
    const retried = runBlock(node, { ...after, events: [say('here it is')] });
    expect(sent(retried.effects)).toMatchObject([{ text: 'A photo or a PDF, please' }]);
    const zip = file('document', { mime: 'application/zip' });
    expect(sentTexts(runBlock(node, { ...after, events: [zip, say('?')] }).effects)).toEqual([
      'lost',
    ]);
  });

  it.each([
    [{ prompt: 'Q', variable: 'v', accept: ['pdf'] }, 'data.accept.0'],
    [{ prompt: 'Q', variable: 'v', maxBytes: 0 }, 'data.maxBytes'],
    [{ prompt: 'Q', variable: 'v', nameVariable: '1st' }, 'data.nameVariable'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('collect_file', data)).toBe(path);
  });
});

describe('whatsapp_flow', () => {
  const flowNode = (extra: Record<string, unknown> = {}) => ({
    id: 'n',
    type: 'whatsapp_flow',
    data: {
      flowId: '1234',
      cta: 'Book now',
      screen: 'WELCOME',
      text: 'Book a table, {{contact.name}}',
      fallbackUrl: 'https://book.test/form',
      outputs: [{ key: 'guests', variable: 'guests' }],
      variable: 'booking',
      ...extra,
    },
  });
  const completed = submit({ guests: '4', time: '20:00' }, 'flow-token');

  it('sends the flow on WhatsApp and maps the completed values into variables', () => {
    const asked = runBlock(flowNode(), { channel: 'whatsapp' });
    const content = sent(asked.effects)[0];
    expect(content).toEqual({
      type: 'whatsapp_flow',
      flowId: '1234',
      cta: 'Book now',
      screen: 'WELCOME',
      text: 'Book a table, Ada',
      fallbackUrl: 'https://book.test/form',
    });
    expect(content === undefined ? '' : contentToText(content)).toBe('Book a table, Ada');
    const done = runBlock(flowNode(), { ...after, channel: 'WHATSAPP', events: [completed] });
    expect(done.session.variables).toEqual({
      guests: '4',
      booking: { guests: '4', time: '20:00' },
    });
    expect(sentTexts(done.effects)).toEqual(['ok']);
  });

  it('degrades elsewhere to a link button, and waits the same way', () => {
    const asked = runBlock(flowNode(), { channel: 'web' });
    expect(sent(asked.effects)).toEqual([
      {
        type: 'buttons',
        text: 'Book a table, Ada',
        buttons: [{ type: 'url', title: 'Book now', url: 'https://book.test/form' }],
      },
    ]);
    expect(asked.session.status).toBe('waiting');
    const done = runBlock(flowNode(), { ...after, events: [completed] });
    expect(done.session.variables.guests).toBe('4');
  });

  it('without a link off WhatsApp, says the text and takes "fallback" at once', () => {
    const result = runBlock(flowNode({ fallbackUrl: undefined }), { ...after, channel: 'sms' });
    expect(sentTexts(result.effects)).toEqual(['Book a table, Ada', 'lost']);
  });

  it('re-sends the flow for any other message, then takes "fallback"', () => {
    const node = flowNode({ retryPrompt: 'Please finish the booking form' });
    const retried = runBlock(node, { ...after, channel: 'whatsapp', events: [say('hi')] });
    expect(sent(retried.effects)).toMatchObject([
      { type: 'whatsapp_flow', text: 'Please finish the booking form' },
    ]);
    const lost = runBlock(node, { ...after, channel: 'whatsapp', events: [say('hi'), say('?')] });
    expect(sentTexts(lost.effects)).toEqual(['lost']);
    expect(lost.session.variables).toEqual({});
  });

  const base = { flowId: 'f', cta: 'Go', text: 'T' };
  it.each([
    [{ ...base, fallbackUrl: 'javascript:alert(1)' }, 'data.fallbackUrl'],
    [{ ...base, cta: 'A call to action far longer than thirty' }, 'data.cta'],
    [{ ...base, outputs: [{ key: 'k', variable: 'no spaces' }] }, 'data.outputs.0.variable'],
    [{ cta: 'Go', text: 'T' }, 'data.flowId'],
  ])('rejects invalid data %#', (data, path) => {
    expect(problemPath('whatsapp_flow', data)).toBe(path);
  });
});
