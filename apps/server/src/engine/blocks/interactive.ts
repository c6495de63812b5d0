import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import type { TemplateScope } from '../template.js';
import type { BlockResult, Effect, ExecContext } from '../types.js';
import { field, incomingText, templateText } from './common.js';

/**
 * The pieces every interactive block shares: ask, wait, check the answer, re-ask a bounded
 * number of times, then take "fallback". Keeping this in one place keeps the blocks
 * consistent: a timer or handback is never an answer, and retries count the same way.
 */

export const send = (content: MessageContent): Effect => ({ type: 'send', content });

export const maxRetriesField = () =>
  field(z.number().int().min(0).max(10).default(1), {
    label: 'Retries',
    kind: 'number',
    help: 'How many invalid answers are re-asked before the "fallback" edge is taken.',
  });

export const retryPromptField = () =>
  templateText('Retry message', 'Sent before asking again after an invalid answer.').optional();

export type Answer<T> = { ok: true; value: T } | { ok: false; reason?: string };

export const valid = <T>(value: T): Answer<T> => ({ ok: true, value });
export const invalid = (reason?: string): Answer<never> =>
  reason === undefined ? { ok: false } : { ok: false, reason };

export interface Question<T> {
  maxRetries: number;
  /** What to send: `retry` is null on the first ask, else why the last answer was refused. */
  ask(retry: { reason?: string } | null): MessageContent[];
  /** Checks a contact's message; only messages reach it. */
  answer(content: MessageContent): Answer<T>;
  /** What a valid answer leads to (usually a handle and variable writes). */
  accept(value: T): BlockResult;
}

/** Runs a waiting block's turn: first visit, resume with an answer, retry, or fallback. */
export function askQuestion<T>(ctx: ExecContext, question: Question<T>): BlockResult {
  const asking = (retries: number, retry: { reason?: string } | null): BlockResult => ({
    next: null,
    retries,
    effects: question.ask(retry).map(send),
  });
  if (ctx.resume === null) return { ...asking(0, null), outcome: 'asked' };
  // A timer or handback while waiting is not an answer: keep waiting.
  if (ctx.resume.type !== 'message') return { next: null, outcome: 'ignored' };
  const answer = question.answer(ctx.resume.content);
  if (answer.ok) return question.accept(answer.value);
  if (ctx.retries < question.maxRetries) {
    const retry = answer.reason === undefined ? {} : { reason: answer.reason };
    return { ...asking(ctx.retries + 1, retry), outcome: 'retry' };
  }
  return { next: 'fallback' };
}

export interface Choice {
  id: string;
  title: string;
}

/** The chosen item: a reply payload, a title (any case) or the item's 1-based number. */
export function pickChoice<C extends Choice>(
  choices: readonly C[],
  content: MessageContent,
): C | undefined {
  if (content.type === 'reply') {
    const byId = choices.find((choice) => choice.id === content.replyTo);
    if (byId !== undefined) return byId;
  }
  const text = incomingText({ type: 'message', content })?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  const index = /^\d+$/.test(text) ? Number(text) - 1 : -1;
  return choices.find((choice, i) => i === index || choice.title.toLowerCase() === text);
}

/** Ids that must be unique within a block, for a `.refine` on its data. */
export const unique = (ids: readonly string[]): boolean => new Set(ids).size === ids.length;

/**
 * Whether the conversation runs on WhatsApp. The bot runner fills `channel.type` from the
 * channel row (`ChannelType`, lower case); any case is accepted so a test or an API caller
 * that writes "WHATSAPP" gets the same behaviour.
 */
export function isWhatsApp(scope: TemplateScope): boolean {
  const type: unknown = scope.channel.type;
  return typeof type === 'string' && type.toLowerCase() === 'whatsapp';
}

/** An optional variable write, spread into a BlockResult. */
export const saveIn = (variable: string | undefined, value: unknown) =>
  variable === undefined ? {} : { variables: { [variable]: value } };
