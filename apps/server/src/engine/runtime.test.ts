import { describe, expect, it } from 'vitest';
import { compileFlow, createSession, step, type Session } from './runtime.js';
import { contextAt, flowOf, press, say, sentTexts } from './testing.js';
import type { FlowEvent } from './types.js';
import { validateFlow } from './validate.js';

const T0 = Date.UTC(2025, 5, 1, 9, 0, 0);

const leadCapture = flowOf(
  [
    { id: 'start', type: 'start' },
    { id: 'hello', type: 'message', data: { text: 'Hi {{contact.name}}!' } },
    {
      id: 'email',
      type: 'input',
      data: {
        prompt: 'Your email?',
        retryPrompt: 'That is not an email, try again',
        kind: 'email',
        variable: 'email',
        maxRetries: 1,
      },
    },
    {
      id: 'size',
      type: 'buttons',
      data: {
        prompt: 'Company size?',
        variable: 'size',
        buttons: [
          { id: 'small', title: '1-10' },
          { id: 'big', title: '11+' },
        ],
      },
    },
    {
      id: 'big?',
      type: 'condition',
      data: { groups: [{ rules: [{ variable: 'size', operator: 'equals', value: '11+' }] }] },
    },
    {
      id: 'sales',
      type: 'handover',
      data: { teamId: 'sales', message: 'Connecting {{email}} to sales' },
    },
    { id: 'bye', type: 'message', data: { text: 'Thanks, we will write to {{email | upper}}' } },
    { id: 'sorry', type: 'message', data: { text: 'Sorry, no email, no lead.' } },
  ],
  [
    'start->hello',
    'hello->email',
    'email:next->size',
    'email:invalid->sorry',
    'size:button:small->big?',
    'size:button:big->big?',
    'size:fallback->sorry',
    'big?:true->sales',
    'big?:false->bye',
  ],
  [{ name: 'email', type: 'string', scope: 'contact' }],
);

/** Drives a flow turn by turn, one minute apart, keeping the session between turns. */
function driver(flow = leadCapture) {
  const compiled = compileFlow(flow);
  let session: Session = createSession(T0);
  let now = T0;
  return {
    turn(event: FlowEvent, at = (now += 60_000)) {
      const result = step(compiled, session, event, contextAt(at));
      session = result.session;
      return result;
    },
    get session() {
      return session;
    },
  };
}

describe('runtime: lead capture, turn by turn', () => {
  it('is a valid flow', () => {
    expect(validateFlow(leadCapture).ok).toBe(true);
  });

  it('greets, retries an invalid email once, asks the size and hands big companies over', () => {
    const bot = driver();
    const first = bot.turn({ type: 'start' });
    expect(sentTexts(first.effects)).toEqual(['Hi Ada!', 'Your email?']);
    expect(first.session).toMatchObject({ status: 'waiting', nodeId: 'email' });
    expect(first.log.map((entry) => `${entry.nodeId}:${entry.outcome}`)).toEqual([
      'start:next',
      'hello:next',
      'email:asked',
    ]);

    const retry = bot.turn(say('not an email'));
    expect(sentTexts(retry.effects)).toEqual(['That is not an email, try again']);
    expect(retry.session.retries).toEqual({ email: 1 });

    const ok = bot.turn(say(' Ada@Example.com '));
    expect(ok.effects[0]).toEqual({
      type: 'set_contact_variable',
      name: 'email',
      value: 'ada@example.com',
    });
    expect(sentTexts(ok.effects)).toEqual(['Company size?']);
    expect(ok.session).toMatchObject({
      nodeId: 'size',
      retries: { size: 0 },
      variables: { email: 'ada@example.com' },
    });

    const done = bot.turn(press('big', '11+'));
    expect(done.effects).toContainEqual({
      type: 'handover',
      teamId: 'sales',
      message: 'Connecting ada@example.com to sales',
    });
    expect(done.session).toMatchObject({ status: 'ended', nodeId: 'sales', endReason: 'handover' });
    expect(done.log.map((entry) => entry.outcome)).toEqual(['button:big', 'true', 'end']);

    // While a human has the conversation, the bot stays quiet.
    const quiet = bot.turn(say('hello?'));
    expect(quiet.effects).toEqual([]);
    expect(quiet.log[0]?.outcome).toContain('ignored');
  });

  it('takes the false branch for a small company chosen by number, and ends', () => {
    const bot = driver();
    bot.turn({ type: 'start' });
    bot.turn(say('ada@example.com'));
    const done = bot.turn(say('1'));
    expect(sentTexts(done.effects)).toEqual(['Thanks, we will write to ADA@EXAMPLE.COM']);
    expect(done.effects.at(-1)).toEqual({ type: 'end' });
    expect(done.session).toMatchObject({
      status: 'ended',
      nodeId: 'bye',
      variables: { size: '1-10' },
    });
  });

  it('takes the invalid edge once the retries are exhausted', () => {
    const bot = driver();
    bot.turn({ type: 'start' });
    bot.turn(say('nope'));
    const failed = bot.turn(say('still nope'));
    expect(sentTexts(failed.effects)).toEqual(['Sorry, no email, no lead.']);
    expect(failed.session.retries).toEqual({});
  });

  it('re-asks the buttons once, then takes the fallback edge', () => {
    const bot = driver();
    bot.turn({ type: 'start' });
    bot.turn(say('ada@example.com'));
    expect(sentTexts(bot.turn(say('maybe')).effects)).toEqual(['Company size?']);
    expect(sentTexts(bot.turn(say('dunno')).effects)).toEqual(['Sorry, no email, no lead.']);
  });

  it('does not mutate the session it is given', () => {
    const session = createSession(T0);
    const frozen = structuredClone(session);
    step(leadCapture, session, { type: 'start' }, contextAt(T0));
    expect(session).toEqual(frozen);
  });
});

describe('runtime: delay, handback, triggers and the step budget', () => {
  const delayed = flowOf(
    [
      { id: 's', type: 'start', data: { keywords: ['pricing', 'price list'] } },
      { id: 'wait', type: 'delay', data: { amount: 2, unit: 'days' } },
      {
        id: 'nudge',
        type: 'message',
        data: { text: 'Still there? It is {{now | date:"YYYY-MM-DD"}}' },
      },
      { id: 'human', type: 'handover', data: {} },
      { id: 'back', type: 'message', data: { text: 'The bot is back' } },
    ],
    ['s->wait', 'wait->nudge', 'nudge->human', 'human:handback->back'],
  );

  it('parks on a delay with a timer effect and resumes on that timer only', () => {
    const bot = driver(delayed);
    const parked = bot.turn(say('Pricing please'), T0);
    expect(parked.effects).toEqual([{ type: 'timer', nodeId: 'wait', at: T0 + 2 * 86_400_000 }]);
    expect(parked.session).toMatchObject({ status: 'waiting', nodeId: 'wait' });

    expect(bot.turn(say('hurry up'), T0 + 1000).effects).toEqual([]);
    expect(bot.turn({ type: 'timer', nodeId: 'other' }, T0 + 2000).log[0]?.outcome).toBe(
      'ignored: stale timer',
    );

    const resumed = bot.turn({ type: 'timer', nodeId: 'wait' }, T0 + 2 * 86_400_000);
    expect(sentTexts(resumed.effects)).toEqual(['Still there? It is 2025-06-03']);
    expect(resumed.effects).toContainEqual({ type: 'handover' });

    const back = bot.turn({ type: 'handback' });
    expect(sentTexts(back.effects)).toEqual(['The bot is back']);
    expect(back.session.status).toBe('ended');
  });

  it('starts only on a matching keyword when the start block has keywords', () => {
    const bot = driver(delayed);
    expect(bot.turn(say('hello')).log[0]?.outcome).toBe('ignored: no keyword matched');
    expect(bot.turn(say('send me the PRICE LIST')).session.nodeId).toBe('wait');
  });

  it('stops a jump loop at the step budget with an error effect and log entry', () => {
    const loop = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'inc', type: 'set_variable', data: { variable: 'n', value: '{{n | default:0}}1' } },
        { id: 'again', type: 'jump', data: { target: 'inc' } },
      ],
      ['s->inc', 'inc->again'],
    );
    const result = step(
      loop,
      createSession(T0),
      { type: 'start' },
      contextAt(T0, { stepBudget: 10 }),
    );
    expect(result.log).toHaveLength(11);
    expect(result.log.at(-1)?.outcome).toContain('step budget of 10');
    expect(result.effects).toEqual([
      expect.objectContaining({ type: 'error', code: 'step_budget_exceeded', nodeId: 'again' }),
      { type: 'end' },
    ]);
    expect(result.session.status).toBe('ended');
    expect(step(loop, createSession(T0), { type: 'start' }, contextAt(T0)).log).toHaveLength(101);
  });

  it('reports a node with invalid data as an error instead of throwing', () => {
    const broken = flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'm', type: 'message', data: {} },
      ],
      ['s->m'],
    );
    const result = step(broken, createSession(T0), { type: 'start' }, contextAt(T0));
    expect(result.effects[0]).toMatchObject({ type: 'error', code: 'invalid_block', nodeId: 'm' });
  });
});
