import { describe, expect, it } from 'vitest';
import {
  appendLog,
  awaitsCall,
  LOG_LIMIT,
  parseState,
  type BotState,
} from './bot-session-store.js';

const waiting = (extra: Partial<BotState['session']> = {}): BotState => ({
  session: {
    nodeId: 'ask',
    status: 'waiting',
    variables: {},
    retries: {},
    startedAt: 1,
    updatedAt: 2,
    ...extra,
  },
  timer: null,
  log: [{ nodeId: 'ask', type: 'input', outcome: 'asked', at: 2 }],
});

describe('the stored bot state', () => {
  it('tells a state waiting for a call from one that is not', () => {
    const pending = { nodeId: 'hook', callId: 'call-1' };
    expect(awaitsCall(JSON.stringify(waiting({ pending })))).toBe(true);
    expect(awaitsCall(JSON.stringify(waiting()))).toBe(false);
    // The word in a variable's name or value is not a pending call.
    const lookalike = waiting({ variables: { pending: { nodeId: 'x' }, note: '"pending":{}' } });
    expect(awaitsCall(JSON.stringify(lookalike))).toBe(false);
  });

  it('reads back what it stored, and keeps the newest log entries only', () => {
    const state = waiting({ pending: { nodeId: 'hook', callId: 'call-1' }, lastMessage: 'hi' });
    expect(parseState(JSON.stringify(state))).toEqual(state);
    const entries = Array.from({ length: LOG_LIMIT + 5 }, (_, i) => ({
      nodeId: `n${String(i)}`,
      type: 'message',
      outcome: 'next',
      at: i,
    }));
    const log = appendLog(state.log, entries);
    expect(log).toHaveLength(LOG_LIMIT);
    expect(log.at(-1)).toEqual(entries.at(-1));
  });
});
