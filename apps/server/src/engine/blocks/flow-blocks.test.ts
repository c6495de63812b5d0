import { describe, expect, it } from 'vitest';
import type { Flow } from '../flow.js';
import { createSession, step, type StepResult } from '../runtime.js';
import { contextAt, flowOf, say, sentTexts, type NodeSpec } from '../testing.js';
import type { FlowEvent } from '../types.js';
import { validateFlow } from '../validate.js';
import { problemPath, sink, T0 } from './interactive-testing.js';

/** Sub-flows, Send status, Javascript, Talk to human's office hours and web triggers. */

function start(flow: Flow, channel = 'api'): StepResult {
  return step(
    flow,
    createSession(T0),
    { type: 'start' },
    contextAt(T0, { channel: { type: channel } }),
  );
}

const next = (flow: Flow, previous: StepResult, event: FlowEvent) =>
  step(flow, previous.session, event, contextAt(T0 + 2_000));

describe('flow (sub-flow call)', () => {
  const flow = flowOf(
    [
      { id: 's', type: 'start' },
      { id: 'call', type: 'flow', data: { target: 'sub' } },
      sink('after', 'back in main'),
      sink('sub', 'in the sub-flow'),
      { id: 'ask', type: 'input', data: { prompt: 'Your name?', variable: 'name' } },
    ],
    ['s->call', 'call:next->after', 'sub->ask'],
  );

  it('runs the sub-flow, waits inside it, and returns to the caller when its path ends', () => {
    expect(validateFlow(flow).ok).toBe(true);
    const first = start(flow);
    expect(sentTexts(first.effects)).toEqual(['in the sub-flow', 'Your name?']);
    expect(first.session.stack).toEqual(['call']);
    const second = next(flow, first, say('Ada'));
    expect(sentTexts(second.effects)).toEqual(['back in main']);
    expect(second.session.variables.name).toBe('Ada');
    expect(second.session.stack).toEqual([]);
  });

  it('stops unbounded recursion with a clear error', () => {
    const loop = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'call', type: 'flow', data: { target: 'call' } },
      ],
      ['s->call'],
    );
    const result = start(loop);
    expect(result.effects).toContainEqual(
      expect.objectContaining({ type: 'error', code: 'subflow_depth_exceeded' }),
    );
    expect(result.session.status).toBe('ended');
  });

  it('rejects a missing target and names an unknown one', () => {
    expect(problemPath('flow', {})).toBe('data.target');
    const broken = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'call', type: 'flow', data: { target: 'nowhere' } },
      ],
      ['s->call'],
    );
    const result = validateFlow(broken);
    expect(result.ok ? [] : result.problems.map((p) => p.nodeId)).toContain('call');
  });
});

describe('send status', () => {
  it('sets labels and status, and closing ends the bot', () => {
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'n', type: 'send_status', data: { addLabels: ['lead'], removeLabels: ['new'] } },
        { id: 'close', type: 'send_status', data: { status: 'closed' } },
        sink('never'),
      ],
      ['s->n', 'n:next->close', 'close:next->never'],
    );
    const result = start(flow);
    expect(result.effects.filter((e) => e.type === 'set_status')).toEqual([
      { type: 'set_status', addLabels: ['lead'], removeLabels: ['new'] },
      { type: 'set_status', status: 'closed' },
    ]);
    expect(sentTexts(result.effects)).toEqual([]);
    expect(result.session.status).toBe('ended');
  });

  it('rejects a block that changes nothing, or an unknown status', () => {
    expect(problemPath('send_status', {})).toBe('data.status');
    expect(problemPath('send_status', { status: 'archived' })).toBe('data.status');
  });
});

describe('javascript', () => {
  const flow = flowOf(
    [
      { id: 's', type: 'start' },
      { id: 'n', type: 'javascript', data: { code: 'gtag("event")' } },
      sink('ok'),
    ],
    ['s->n', 'n:next->ok'],
  );

  it('asks the web widget to run the code, then continues', () => {
    const result = start(flow, 'web');
    expect(result.effects[0]).toEqual({
      type: 'client_action',
      action: { type: 'javascript', code: 'gtag("event")' },
    });
    expect(sentTexts(result.effects)).toEqual(['ok']);
  });

  it('is skipped, with a log entry, on other channels', () => {
    const result = start(flow, 'whatsapp');
    expect(result.effects.some((e) => e.type === 'client_action')).toBe(false);
    expect(result.log.find((entry) => entry.nodeId === 'n')?.outcome).toMatch(/^skipped: whatsapp/);
    expect(sentTexts(result.effects)).toEqual(['ok']);
  });

  it('rejects empty code', () => {
    expect(problemPath('javascript', { code: '' })).toBe('data.code');
  });
});

describe('talk to human: office hours', () => {
  // T0 is Monday 6 January 2025, 08:00 UTC = 09:00 in Paris.
  const handover = (from: string, until: string): NodeSpec => ({
    id: 'n',
    type: 'handover',
    data: {
      teamId: 'Support',
      message: 'Connecting you',
      unavailableMessage: 'Everyone is busy, we will answer soon',
      offlineMessage: 'We are closed',
      officeHours: { timezone: 'Europe/Paris', weekdays: ['mon', 'tue'], from, until },
    },
  });
  const run = (node: NodeSpec) =>
    start(
      flowOf(
        [{ id: 's', type: 'start' }, node, sink('later', 'Leave a message')],
        ['s->n', 'n:offline->later'],
      ),
    );

  it('hands over inside office hours, passing the "nobody available" message along', () => {
    const result = run(handover('09:00', '18:00'));
    expect(result.effects).toContainEqual({
      type: 'handover',
      teamId: 'Support',
      message: 'Connecting you',
      unavailableMessage: 'Everyone is busy, we will answer soon',
    });
    expect(result.session.endReason).toBe('handover');
  });

  it('takes "offline" with its message outside office hours', () => {
    const result = run(handover('10:00', '18:00'));
    expect(result.effects.some((e) => e.type === 'handover')).toBe(false);
    expect(sentTexts(result.effects)).toEqual(['We are closed', 'Leave a message']);
  });

  it('rejects hours that end before they start and unknown time zones', () => {
    const hours = { timezone: 'Europe/Paris', weekdays: ['mon'], from: '18:00', until: '09:00' };
    expect(problemPath('handover', { officeHours: hours })).toBe('data.officeHours.until');
    expect(
      problemPath('handover', { officeHours: { ...hours, timezone: 'Mars/Base', from: '08:00' } }),
    ).toBe('data.officeHours.timezone');
  });
});

describe('trigger: web triggers', () => {
  const flow = flowOf(
    [
      {
        id: 's',
        type: 'start',
        data: { web: { urlContains: '/pricing', firstVisitOnly: true, afterSeconds: 10 } },
      },
      sink('hi', 'Questions about pricing?'),
    ],
    ['s->hi'],
  );
  const visit = (url: string, firstVisit: boolean, secondsOnPage: number): FlowEvent => ({
    type: 'start',
    visit: { url, firstVisit, secondsOnPage },
  });
  const begin = (event: FlowEvent) =>
    step(flow, createSession(T0), event, contextAt(T0, { channel: { type: 'web' } }));

  it('starts on a matching first visit after the time on page', () => {
    expect(sentTexts(begin(visit('https://shop.test/pricing?a=1', true, 12)).effects)).toEqual([
      'Questions about pricing?',
    ]);
  });

  it('stays silent on another page, a returning visitor or too early', () => {
    for (const event of [
      visit('https://shop.test/blog', true, 60),
      visit('https://shop.test/pricing', false, 60),
      visit('https://shop.test/pricing', true, 3),
    ]) {
      const result = begin(event);
      expect(result.effects).toEqual([]);
      expect(result.log[0]?.outcome).toBe('ignored: web trigger not met');
    }
  });

  it('rejects a negative time on page', () => {
    expect(problemPath('start', { web: { afterSeconds: -1 } })).toBe('data.web.afterSeconds');
  });
});
