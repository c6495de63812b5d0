import { describe, expect, it } from 'vitest';
import { AI_UNAVAILABLE, type ExternalCall } from '../../engine/external-call.js';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { DomainError } from '../errors/domain-error.js';
import { BotCalls, type AiAnswerer } from './bot-calls.js';

const callsWith = (ai: AiAnswerer) =>
  new BotCalls({
    http: new GuardedHttpClient(),
    smtp: { url: undefined, from: 'bot@example.com' },
    publicUrl: 'https://parley.example',
    runCode: () => Promise.resolve({ ok: false, error: 'unused' }),
    ai,
    conversations: { start: () => Promise.reject(new Error('unused')) },
  });
const target = { accountId: 1, callId: 'c1', timeoutMs: 1_000 };

describe('the ai call', () => {
  it('passes the prompt and functions on, and reports used-up credits as AI_UNAVAILABLE', async () => {
    const asked: unknown[] = [];
    const answering = callsWith({
      answer: (question) => {
        asked.push(question);
        return Promise.resolve({ answer: 'Hi', citations: [] });
      },
    });
    const call: ExternalCall = {
      kind: 'ai',
      question: 'Hello?',
      promptName: 'tone',
      functions: ['order_status'],
      maxTurns: 2,
    };
    expect(await answering.external(call, target)).toEqual({
      ok: true,
      value: { answer: 'Hi', citations: [] },
    });
    expect(asked).toEqual([{ accountId: 1, ...call }]);

    const broke = callsWith({
      answer: () => Promise.reject(new DomainError('AI_CREDITS_EXHAUSTED')),
    });
    expect(await broke.external(call, target)).toEqual({ ok: false, error: AI_UNAVAILABLE });
    const failing = callsWith({ answer: () => Promise.reject(new Error('provider down')) });
    expect(await failing.external(call, target)).toEqual({ ok: false, error: 'provider down' });
  });
});
