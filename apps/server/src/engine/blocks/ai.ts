import { z } from 'zod';
import { AI_UNAVAILABLE } from '../external-call.js';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { awaitCall, callResultOf, stillWaiting, timeoutField } from './calls.js';
import { field, incomingText, none, templateUse, variableField } from './common.js';

/**
 * The AI blocks ask an `AiAnswerer` (the AI studio) through an `ai` call. Its value is
 * `{ answer, citations? }`; no answer (nothing relevant found, no AI configured, an error)
 * is a failed call, and the blocks follow their "no answer" edge.
 */
/** Where Set AI keeps its choices for the AI blocks after it. */
export const AI_SETTINGS_VARIABLE = 'ai_settings';

const answerSchema = z.object({
  answer: z.string().min(1),
  citations: z.array(z.object({ title: z.string(), url: z.string().optional() })).default([]),
});

const knowledgeBase = field(z.string().min(1).max(64), {
  label: 'Knowledge base',
  kind: 'select',
}).optional();
const instructions = field(z.string().max(4_000), {
  label: 'Instructions',
  kind: 'template',
  help: 'How the AI should answer: tone, scope, what to refuse.',
}).optional();
const promptName = field(z.string().min(1).max(128), {
  label: 'Prompt',
  kind: 'select',
  help: "A saved prompt of the AI studio, used before this block's instructions.",
}).optional();

/** What the blocks tell the contact when the account's AI credits are used up. */
export const AI_UNAVAILABLE_MESSAGE =
  "Sorry, I can't answer questions right now. Please try again later.";

const answerAiData = z.object({
  question: field(z.string().min(1).max(4_096), {
    label: 'Question',
    kind: 'template',
    help: "Defaults to the contact's last message.",
  }).default('{{conversation.last_message}}'),
  knowledgeBaseId: knowledgeBase,
  promptName,
  instructions,
  variable: variableField('Save answer in').optional(),
  sendAnswer: field(z.boolean().default(true), { label: 'Send the answer', kind: 'boolean' }),
  timeoutMs: timeoutField(20_000),
});
export type AnswerAiData = z.infer<typeof answerAiData>;

const settingsSchema = z.object({
  knowledgeBaseId: z.string().optional(),
  promptName: z.string().optional(),
  instructions: z.string().optional(),
});

/** The block's own settings, else those a Set AI block stored earlier in the conversation. */
function aiCall(
  question: string,
  data: {
    knowledgeBaseId?: string | undefined;
    promptName?: string | undefined;
    instructions?: string | undefined;
    functions?: string[] | undefined;
    maxTurns?: number | undefined;
  },
  ctx: ExecContext,
) {
  const stored = settingsSchema.safeParse(ctx.scope.variables[AI_SETTINGS_VARIABLE]);
  const defaults = stored.success ? stored.data : {};
  const knowledgeBaseId = data.knowledgeBaseId ?? defaults.knowledgeBaseId;
  const prompt = data.promptName ?? defaults.promptName;
  const instructions =
    data.instructions === undefined ? defaults.instructions : render(data.instructions, ctx.scope);
  const functions = data.functions ?? [];
  return {
    kind: 'ai' as const,
    question,
    ...(knowledgeBaseId === undefined ? {} : { knowledgeBaseId }),
    ...(prompt === undefined ? {} : { promptName: prompt }),
    ...(instructions === undefined ? {} : { instructions }),
    ...(functions.length === 0 ? {} : { functions, maxTurns: data.maxTurns }),
  };
}

/** The no-answer edge; when AI credits are used up, the contact is told so first. */
function noAnswer(failure: string, next: 'no_answer'): BlockResult {
  if (failure !== AI_UNAVAILABLE) return { next, outcome: `no_answer: ${failure}` };
  return {
    next,
    outcome: 'no_answer: AI credits used up',
    effects: [{ type: 'send', content: { type: 'text', text: AI_UNAVAILABLE_MESSAGE } }],
  };
}

/** The answer of a resumed AI call, or the reason there is none. */
function answerOf(ctx: ExecContext): { answer: string } | { failure: string } | null {
  const result = callResultOf(ctx);
  if (result === null) return null;
  if (!result.ok) return { failure: result.error };
  const parsed = answerSchema.safeParse(result.value);
  return parsed.success ? { answer: withSources(parsed.data) } : { failure: 'no answer' };
}

/** The answer as the contact reads it: the text, then the sources it came from. */
export function withSources(answer: z.infer<typeof answerSchema>): string {
  if (answer.citations.length === 0) return answer.answer;
  const sources = answer.citations.map((citation) =>
    citation.url === undefined ? `• ${citation.title}` : `• ${citation.title}: ${citation.url}`,
  );
  return `${answer.answer}\n\nSources:\n${sources.join('\n')}`;
}

function executeAnswer(data: AnswerAiData, ctx: ExecContext): BlockResult {
  const outcome = answerOf(ctx);
  if (outcome === null) {
    if (ctx.resume !== null) return stillWaiting;
    const question = render(data.question, ctx.scope).trim();
    if (question === '') return { next: 'no_answer', outcome: 'no_answer: empty question' };
    return awaitCall(ctx, aiCall(question, data, ctx), data.timeoutMs);
  }
  if ('failure' in outcome) return noAnswer(outcome.failure, 'no_answer');
  return {
    next: 'answered',
    ...(data.variable === undefined ? {} : { variables: { [data.variable]: outcome.answer } }),
    ...(data.sendAnswer
      ? { effects: [{ type: 'send', content: { type: 'text', text: outcome.answer } }] }
      : {}),
  };
}

const aiUses = (data: { instructions?: string | undefined }): VariableUse[] =>
  data.instructions === undefined ? [] : [templateUse(['instructions'], data.instructions)];

export const answerAiBlock: BlockDefinition<AnswerAiData> = {
  type: 'answer_ai',
  label: 'Answer AI',
  data: answerAiData,
  waits: true,
  handles: () => ['answered', 'no_answer'],
  reads: (data) => [templateUse(['question'], data.question), ...aiUses(data)],
  writes: (data) => (data.variable === undefined ? [] : [data.variable]),
  targets: none,
  execute: executeAnswer,
};

/**
 * The AI agent: a conversation loop. Each message from the contact is answered by the AI
 * until it has no answer (the "no_answer" edge, e.g. to a handover) or the contact types
 * one of the exit keywords (the "exit" edge).
 */
const aiAgentData = z.object({
  greeting: field(z.string().max(4_096), { label: 'Opening message', kind: 'template' }).optional(),
  knowledgeBaseId: knowledgeBase,
  promptName,
  instructions,
  functions: field(z.array(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/)).max(20), {
    label: 'Functions',
    kind: 'list',
    help: 'Functions of the AI studio the agent may call (HTTP requests) to answer.',
  }).optional(),
  maxTurns: field(z.number().int().min(1).max(10).default(4), {
    label: 'Maximum turns',
    kind: 'number',
    help: 'Model calls per answer at most when calling functions; past it, no answer.',
  }),
  exitKeywords: field(z.array(z.string().min(1).max(64)).max(20), {
    label: 'Exit keywords',
    kind: 'list',
    help: 'A message equal to one of these (any case) leaves the agent on the "exit" edge.',
  }).default([]),
  timeoutMs: timeoutField(20_000),
});
export type AiAgentData = z.infer<typeof aiAgentData>;

function executeAgent(data: AiAgentData, ctx: ExecContext): BlockResult {
  const outcome = answerOf(ctx);
  if (outcome !== null) {
    if ('failure' in outcome) return noAnswer(outcome.failure, 'no_answer');
    return {
      next: null,
      outcome: 'answered',
      effects: [{ type: 'send', content: { type: 'text', text: outcome.answer } }],
    };
  }
  if (ctx.resume === null) {
    const greeting = data.greeting === undefined ? '' : render(data.greeting, ctx.scope);
    return {
      next: null,
      outcome: 'listening',
      ...(greeting === ''
        ? {}
        : { effects: [{ type: 'send', content: { type: 'text', text: greeting } }] }),
    };
  }
  const text = incomingText(ctx.resume)?.trim();
  if (text === undefined || text === '') return { next: null, outcome: 'ignored' };
  if (data.exitKeywords.some((keyword) => keyword.toLowerCase() === text.toLowerCase()))
    return { next: 'exit' };
  return awaitCall(ctx, aiCall(text, data, ctx), data.timeoutMs);
}

export const aiAgentBlock: BlockDefinition<AiAgentData> = {
  type: 'ai_agent',
  label: 'AI Agent',
  data: aiAgentData,
  waits: true,
  handles: () => ['no_answer', 'exit'],
  reads: (data) => [
    ...(data.greeting === undefined ? [] : [templateUse(['greeting'], data.greeting)]),
    ...aiUses(data),
  ],
  writes: none,
  targets: none,
  execute: executeAgent,
};

/** Set AI: chooses the knowledge base, prompt and instructions later AI blocks use by default. */
const setAiData = z.object({
  knowledgeBaseId: knowledgeBase,
  promptName,
  instructions,
});
export type SetAiData = z.infer<typeof setAiData>;

export const setAiBlock: BlockDefinition<SetAiData> = {
  type: 'set_ai',
  label: 'Set AI',
  data: setAiData,
  waits: false,
  handles: () => ['next'],
  reads: aiUses,
  writes: () => [AI_SETTINGS_VARIABLE],
  targets: none,
  execute: (data, ctx) => ({
    next: 'next',
    variables: {
      [AI_SETTINGS_VARIABLE]: {
        ...(data.knowledgeBaseId === undefined ? {} : { knowledgeBaseId: data.knowledgeBaseId }),
        ...(data.promptName === undefined ? {} : { promptName: data.promptName }),
        ...(data.instructions === undefined
          ? {}
          : { instructions: render(data.instructions, ctx.scope) }),
      },
    },
  }),
};
