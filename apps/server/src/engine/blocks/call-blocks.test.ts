import { describe, expect, it } from 'vitest';
import type { Flow } from '../flow.js';
import { createSession, step, type StepResult } from '../runtime.js';
import { contextAt, flowOf, say, sentTexts, type NodeSpec } from '../testing.js';
import type { CallResult, Effect, ExternalCall, FlowEvent } from '../types.js';
import { problemPath, sink, T0 } from './interactive-testing.js';

/** Blocks that park on an external call: webhook, codeblock, send email/WhatsApp/SMS. */

const variables: Flow['variables'] = [
  { name: 'plan', type: 'string', scope: 'conversation', default: 'pro' },
];

interface Driven {
  first: StepResult;
  call: Extract<Effect, { type: 'call' }>;
  flow: Flow;
}

function park(node: NodeSpec, edges: string[], extra: NodeSpec[] = []): Driven {
  const flow = flowOf([{ id: 's', type: 'start' }, node, ...extra], ['s->n', ...edges], variables);
  const first = step(flow, createSession(T0), { type: 'start' }, contextAt(T0));
  const call = first.effects.find((e): e is Extract<Effect, { type: 'call' }> => e.type === 'call');
  if (call === undefined) throw new Error(`no call: ${JSON.stringify(first.effects)}`);
  return { first, call, flow };
}

const resultEvent = (
  driven: Driven,
  result: CallResult,
  callId = driven.call.callId,
): FlowEvent => ({
  type: 'call_result',
  nodeId: driven.call.nodeId,
  callId,
  result,
});

function resume(driven: Driven, result: CallResult, callId?: string): StepResult {
  return step(
    driven.flow,
    driven.first.session,
    resultEvent(driven, result, callId),
    contextAt(T0 + 500),
  );
}

const response = (status: number, body: unknown): CallResult => ({
  ok: true,
  value: { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
});

const webhook = (data: Record<string, unknown> = {}): NodeSpec => ({
  id: 'n',
  type: 'webhook',
  data: {
    method: 'POST',
    url: 'https://crm.example.com/leads?plan={{plan}}',
    headers: [{ name: 'X-Plan', value: '{{plan}}' }],
    body: '{"name":"{{contact.name}}"}',
    mappings: [
      { variable: 'lead_id', path: 'body.data.id' },
      { variable: 'http_status', path: 'status' },
    ],
    ...data,
  },
});

describe('webhook', () => {
  it('parks with a templated request, then maps the response and takes "success"', () => {
    const driven = park(webhook(), ['n:success->ok', 'n:failure->ko'], [sink('ok'), sink('ko')]);
    expect(driven.first.session).toMatchObject({ status: 'waiting', nodeId: 'n' });
    const call: ExternalCall = driven.call.call;
    expect(call).toEqual({
      kind: 'http',
      request: {
        method: 'POST',
        url: 'https://crm.example.com/leads?plan=pro',
        headers: { 'X-Plan': 'pro', 'content-type': 'application/json' },
        body: '{"name":"Ada"}',
      },
    });
    expect(driven.call.timeoutMs).toBe(10_000);
    const done = resume(driven, response(201, { data: { id: 77 } }));
    expect(sentTexts(done.effects)).toEqual(['ok']);
    expect(done.session.variables).toMatchObject({ lead_id: 77, http_status: 201 });
    expect(done.session.pending).toBeUndefined();
  });

  it('takes "failure" on a non-2xx status or a transport error', () => {
    const edges = ['n:success->ok', 'n:failure->ko'];
    const extra = [sink('ok'), sink('ko')];
    const http500 = resume(park(webhook(), edges, extra), response(500, { error: 'down' }));
    expect(sentTexts(http500.effects)).toEqual(['ko']);
    expect(http500.session.variables.http_status).toBe(500);
    const timeout = resume(park(webhook(), edges, extra), { ok: false, error: 'TIMEOUT' });
    expect(sentTexts(timeout.effects)).toEqual(['ko']);
  });

  it('ignores a stale result and keeps waiting through a contact message', () => {
    const driven = park(webhook(), ['n:success->ok'], [sink('ok')]);
    const stale = resume(driven, response(200, {}), 'n:0:0-old');
    expect(stale.session).toMatchObject({ status: 'waiting', nodeId: 'n' });
    expect(stale.log.at(-1)?.outcome).toContain('stale call result');
    const message = step(driven.flow, driven.first.session, say('hello?'), contextAt(T0 + 100));
    expect(message.session.pending).toEqual(driven.first.session.pending);
    expect(message.effects).toEqual([]);
  });

  it('rejects an invalid configuration with its field', () => {
    expect(problemPath('webhook', { url: 'https://x.test', method: 'FETCH' })).toBe('data.method');
    expect(problemPath('webhook', { url: 'https://x.test', timeoutMs: 60_000 })).toBe(
      'data.timeoutMs',
    );
    expect(problemPath('webhook', { url: '' })).toBe('data.url');
  });
});

describe('codeblock', () => {
  const code = (data: Record<string, unknown> = {}): NodeSpec => ({
    id: 'n',
    type: 'codeblock',
    data: { code: 'return { total: 3 }', outputs: ['total'], ...data },
  });

  it('sends the variables in and writes back only its declared outputs', () => {
    const driven = park(code(), ['n:next->ok'], [sink('ok', 'total {{total}}')]);
    expect(driven.call.call).toEqual({
      kind: 'code',
      code: 'return { total: 3 }',
      variables: { plan: 'pro' },
    });
    expect(driven.call.timeoutMs).toBe(1_000);
    const done = resume(driven, { ok: true, value: { total: 3, plan: 'hacked' } });
    expect(sentTexts(done.effects)).toEqual(['total 3']);
    expect(done.session.variables).toMatchObject({ total: 3, plan: 'pro' });
  });

  it('takes "error" when the sandbox stops the code', () => {
    const driven = park(code(), ['n:next->ok', 'n:error->ko'], [sink('ok'), sink('ko')]);
    const done = resume(driven, { ok: false, error: 'timeout: interrupted after 1000 ms' });
    expect(sentTexts(done.effects)).toEqual(['ko']);
    expect(done.log.find((entry) => entry.nodeId === 'n')?.outcome).toContain('timeout');
  });

  it('rejects empty code and a timeout above 5 s', () => {
    expect(problemPath('codeblock', { code: '' })).toBe('data.code');
    expect(problemPath('codeblock', { code: 'x', timeoutMs: 10_000 })).toBe('data.timeoutMs');
  });
});

describe('send email', () => {
  const email = (to = '{{contact.email}}, sales@example.com'): NodeSpec => ({
    id: 'n',
    type: 'send_email',
    data: { to, subject: 'Lead {{contact.name}}', body: 'Plan: {{plan}}' },
  });
  const withEmail = contextAt(T0, { contact: { id: 'c1', name: 'Ada', email: 'ada@example.com' } });

  it('mails the rendered message and continues on "next"', () => {
    const flow = flowOf(
      [{ id: 's', type: 'start' }, email(), sink('ok')],
      ['s->n', 'n:next->ok'],
      variables,
    );
    const first = step(flow, createSession(T0), { type: 'start' }, withEmail);
    const call = first.effects.find((e) => e.type === 'call');
    expect(call?.type === 'call' ? call.call : null).toEqual({
      kind: 'email',
      to: ['ada@example.com', 'sales@example.com'],
      subject: 'Lead Ada',
      text: 'Plan: pro',
    });
    if (call?.type !== 'call') throw new Error('no call');
    const event: FlowEvent = {
      type: 'call_result',
      nodeId: 'n',
      callId: call.callId,
      result: { ok: true, value: {} },
    };
    expect(sentTexts(step(flow, first.session, event, withEmail).effects)).toEqual(['ok']);
  });

  it('fails without calling when a recipient is not an address, or when SMTP fails', () => {
    const flow = flowOf(
      [{ id: 's', type: 'start' }, email('not-an-address'), sink('ko')],
      ['s->n', 'n:failure->ko'],
    );
    const first = step(flow, createSession(T0), { type: 'start' }, contextAt(T0));
    expect(first.effects.some((e) => e.type === 'call')).toBe(false);
    expect(sentTexts(first.effects)).toEqual(['ko']);
    const driven = park(email('a@example.com'), ['n:failure->ko'], [sink('ko')]);
    expect(sentTexts(resume(driven, { ok: false, error: 'SMTP 550' }).effects)).toEqual(['ko']);
  });

  it('rejects a missing subject', () => {
    expect(problemPath('send_email', { to: 'a@b.c', body: 'x' })).toBe('data.subject');
  });
});

describe.each([
  ['send_whatsapp', 'whatsapp'],
  ['send_sms', 'sms'],
] as const)('%s', (type, channelType) => {
  const notify = (to = '+1 (415) 555-0100'): NodeSpec => ({
    id: 'n',
    type,
    data: { to, text: 'New lead on {{plan}}' },
  });

  it('notifies the number through a channel of its type and continues', () => {
    const driven = park(notify(), ['n:next->ok'], [sink('ok')]);
    expect(driven.call.call).toEqual({
      kind: 'notify',
      channelType,
      to: '+14155550100',
      content: { type: 'text', text: 'New lead on pro' },
    });
    expect(sentTexts(resume(driven, { ok: true, value: {} }).effects)).toEqual(['ok']);
  });

  it('takes "failure" for a number that is not E.164 or a failed send', () => {
    const bad = flowOf(
      [{ id: 's', type: 'start' }, notify('call me'), sink('ko')],
      ['s->n', 'n:failure->ko'],
    );
    expect(
      sentTexts(step(bad, createSession(T0), { type: 'start' }, contextAt(T0)).effects),
    ).toEqual(['ko']);
    const driven = park(notify(), ['n:failure->ko'], [sink('ko')]);
    const failed = resume(driven, { ok: false, error: `no enabled ${channelType} channel` });
    expect(sentTexts(failed.effects)).toEqual(['ko']);
  });

  it('rejects a missing text', () => {
    expect(problemPath(type, { to: '+14155550100' })).toBe('data.text');
  });
});
