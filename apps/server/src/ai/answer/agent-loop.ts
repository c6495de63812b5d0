import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { AiFunctionRow } from '../store/ai-config-tables.js';
import type { ChatMessage, OpenAiClient } from '../llm/openai-client.js';
import { callFunction, toolOf } from './functions.js';

export const DEFAULT_MAX_TURNS = 4;

export interface AgentLoopInput {
  readonly client: OpenAiClient;
  readonly http: GuardedHttpClient;
  /** The first prompt (instructions, retrieved passages, the question). */
  readonly messages: readonly ChatMessage[];
  readonly functions: readonly AiFunctionRow[];
  /** Model calls at most; a model still calling functions on the last one gives no answer. */
  readonly maxTurns: number;
  readonly onUsage: (promptTokens: number, completionTokens: number) => Promise<void>;
}

/**
 * The AI agent's function-calling loop: the model answers, or asks for functions; each is
 * called (an HTTP request through the SSRF-guarded client) and its result goes back to the
 * model as a `tool` message, until the model answers or the turns run out (no answer).
 */
export async function runAgentLoop(
  input: AgentLoopInput,
): Promise<{ text: string; calledFunctions: number } | null> {
  const tools = input.functions.map(toolOf);
  const byName = new Map(input.functions.map((row) => [row.name, row]));
  const messages: ChatMessage[] = [...input.messages];
  let calledFunctions = 0;
  for (let turn = 0; turn < input.maxTurns; turn += 1) {
    const reply = await input.client.chat(messages, { tools });
    await input.onUsage(reply.promptTokens, reply.completionTokens);
    if (reply.toolCalls.length === 0) return { text: reply.text, calledFunctions };
    messages.push({ role: 'assistant', content: reply.text, toolCalls: reply.toolCalls });
    for (const call of reply.toolCalls) {
      const row = byName.get(call.name);
      const content =
        row === undefined
          ? JSON.stringify({ error: `there is no function named "${call.name}"` })
          : await callFunction(input.http, row, call.arguments);
      calledFunctions += 1;
      messages.push({ role: 'tool', toolCallId: call.id, content });
    }
  }
  return null;
}
