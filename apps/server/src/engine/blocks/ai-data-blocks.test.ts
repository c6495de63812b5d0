import { describe, expect, it } from 'vitest';
import { AI_UNAVAILABLE } from '../external-call.js';
import type { Flow } from '../flow.js';
import { createSession, step, type StepResult } from '../runtime.js';
import { contextAt, flowOf, press, say, sentTexts, type NodeSpec } from '../testing.js';
import type { CallResult, Effect, FlowEvent } from '../types.js';
import { AI_UNAVAILABLE_MESSAGE } from './ai.js';
import { problemPath, sent, sink, T0 } from './interactive-testing.js';

/** The AI blocks and Dynamic data: blocks that park on a call and answer from its result. */

function start(flow: Flow, channel = 'api'): StepResult {
  return step(
    flow,
    createSession(T0),
    { type: 'start' },
    contextAt(T0, { channel: { type: channel } }),
  );
}

function answer(flow: Flow, previous: StepResult, result: CallResult): StepResult {
  const call = previous.effects.find(
    (e): e is Extract<Effect, { type: 'call' }> => e.type === 'call',
  );
  if (call === undefined) throw new Error('no call to answer');
  const event: FlowEvent = {
    type: 'call_result',
    nodeId: call.nodeId,
    callId: call.callId,
    result,
  };
  return step(flow, previous.session, event, contextAt(T0 + 1_000));
}

const next = (flow: Flow, previous: StepResult, event: FlowEvent) =>
  step(flow, previous.session, event, contextAt(T0 + 2_000));

describe('AI blocks', () => {
  const answerFlow = flowOf(
    [
      { id: 's', type: 'start' },
      { id: 'set', type: 'set_ai', data: { knowledgeBaseId: 'kb1', instructions: 'Be brief.' } },
      { id: 'q', type: 'input', data: { prompt: 'Ask me', variable: 'question' } },
      { id: 'n', type: 'answer_ai', data: { variable: 'reply' } },
      sink('fallback', 'Let me find a human'),
    ],
    ['s->set', 'set->q', 'q->n', 'n:no_answer->fallback'],
  );

  it('answers the last message with the Set AI settings, sends and saves the answer', () => {
    const asked = next(answerFlow, start(answerFlow), say('What does Pro cost?'));
    const call = asked.effects.find((e) => e.type === 'call');
    expect(call?.type === 'call' ? call.call : null).toEqual({
      kind: 'ai',
      question: 'What does Pro cost?',
      knowledgeBaseId: 'kb1',
      instructions: 'Be brief.',
    });
    const done = answer(answerFlow, asked, { ok: true, value: { answer: '$20 a month.' } });
    expect(sentTexts(done.effects)).toEqual(['$20 a month.']);
    expect(done.session.variables.reply).toBe('$20 a month.');
  });

  it('follows "no answer" when the AI has none', () => {
    const asked = next(answerFlow, start(answerFlow), say('Who won the match?'));
    const done = answer(answerFlow, asked, { ok: false, error: 'no answer' });
    expect(sentTexts(done.effects)).toEqual(['Let me find a human']);
  });

  it('AI agent: answers each message until an exit keyword or no answer', () => {
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'n', type: 'ai_agent', data: { greeting: 'Ask me anything', exitKeywords: ['bye'] } },
        sink('exit', 'Goodbye'),
        sink('human', 'Connecting you'),
      ],
      ['s->n', 'n:exit->exit', 'n:no_answer->human'],
    );
    const greeted = start(flow);
    expect(sentTexts(greeted.effects)).toEqual(['Ask me anything']);
    const first = answer(flow, next(flow, greeted, say('Hours?')), {
      ok: true,
      value: { answer: '9 to 5' },
    });
    expect(sentTexts(first.effects)).toEqual(['9 to 5']);
    expect(first.session).toMatchObject({ status: 'waiting', nodeId: 'n' });
    expect(sentTexts(next(flow, first, say('BYE')).effects)).toEqual(['Goodbye']);
    const lost = answer(flow, next(flow, first, say('??')), { ok: false, error: 'no answer' });
    expect(sentTexts(lost.effects)).toEqual(['Connecting you']);
  });

  it("carries a named prompt (its own or Set AI's) and the agent's functions in the call", () => {
    const flow = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'set', type: 'set_ai', data: { promptName: 'support-tone' } },
        {
          id: 'n',
          type: 'ai_agent',
          data: { instructions: 'Use {{contact.name}}.', functions: ['order_status'], maxTurns: 3 },
        },
      ],
      ['s->set', 'set->n'],
    );
    const asked = next(flow, start(flow), say('Where is order A1?'));
    const call = asked.effects.find((e) => e.type === 'call');
    expect(call?.type === 'call' ? call.call : null).toMatchObject({
      kind: 'ai',
      question: 'Where is order A1?',
      promptName: 'support-tone',
      functions: ['order_status'],
      maxTurns: 3,
    });
    expect(problemPath('ai_agent', { functions: ['has space'] })).toBe('data.functions.0');
    expect(problemPath('ai_agent', { maxTurns: 0 })).toBe('data.maxTurns');
  });

  it('tells the contact when the AI credits are used up, then follows "no answer"', () => {
    const asked = next(answerFlow, start(answerFlow), say('What does Pro cost?'));
    const done = answer(answerFlow, asked, { ok: false, error: AI_UNAVAILABLE });
    expect(sentTexts(done.effects)).toEqual([AI_UNAVAILABLE_MESSAGE, 'Let me find a human']);
  });

  it('rejects invalid settings', () => {
    expect(problemPath('answer_ai', { timeoutMs: 1 })).toBe('data.timeoutMs');
    expect(problemPath('ai_agent', { exitKeywords: [''] })).toBe('data.exitKeywords.0');
  });
});

describe('dynamic data', () => {
  const block: NodeSpec = {
    id: 'n',
    type: 'dynamic_data',
    data: {
      url: 'https://shop.example.com/plans',
      itemsPath: 'data.plans',
      idPath: 'sku',
      titlePath: 'name',
      display: 'buttons',
      prompt: 'Pick a plan',
      variable: 'plan',
    },
  };
  const flow = flowOf(
    [
      { id: 's', type: 'start' },
      block,
      sink('picked', 'You chose {{plan}}'),
      sink('down', 'Shop is down'),
      sink('lost', 'Never mind'),
    ],
    ['s->n', 'n:selected->picked', 'n:failure->down', 'n:fallback->lost'],
  );
  const plans = {
    ok: true as const,
    value: {
      status: 200,
      headers: {},
      body: JSON.stringify({
        data: {
          plans: [
            { sku: 'p1', name: 'Basic' },
            { sku: 'p2', name: 'Pro' },
          ],
        },
      }),
    },
  };

  it('fetches the items, offers them as buttons and saves the chosen id', () => {
    const first = start(flow);
    const call = first.effects.find((e) => e.type === 'call');
    expect(call?.type === 'call' ? call.call : null).toMatchObject({
      kind: 'http',
      request: { method: 'GET', url: 'https://shop.example.com/plans' },
    });
    const offered = answer(flow, first, plans);
    expect(sent(offered.effects)).toEqual([
      {
        type: 'buttons',
        text: 'Pick a plan',
        buttons: [
          { type: 'reply', id: 'p1', title: 'Basic' },
          { type: 'reply', id: 'p2', title: 'Pro' },
        ],
      },
    ]);
    expect(sentTexts(next(flow, offered, press('p2', 'Pro')).effects)).toEqual(['You chose p2']);
    expect(sentTexts(next(flow, offered, say('basic')).effects)).toEqual(['You chose p1']);
  });

  it('takes "failure" when the source fails or has no items, "fallback" after a bad answer twice', () => {
    expect(sentTexts(answer(flow, start(flow), { ok: false, error: 'TIMEOUT' }).effects)).toEqual([
      'Shop is down',
    ]);
    const empty = {
      ok: true as const,
      value: { status: 200, headers: {}, body: '{"data":{"plans":[]}}' },
    };
    expect(sentTexts(answer(flow, start(flow), empty).effects)).toEqual(['Shop is down']);
    const offered = answer(flow, start(flow), plans);
    const retry = next(flow, offered, say('gold'));
    expect(sentTexts(retry.effects)).toEqual(['Pick a plan']);
    expect(sentTexts(next(flow, retry, say('platinum')).effects)).toEqual(['Never mind']);
  });

  it('rejects an unknown display and a missing variable', () => {
    expect(
      problemPath('dynamic_data', {
        url: 'https://x.test',
        prompt: 'P',
        variable: 'v',
        display: 'grid',
      }),
    ).toBe('data.display');
    expect(problemPath('dynamic_data', { url: 'https://x.test', prompt: 'P' })).toBe(
      'data.variable',
    );
  });
});
