import { z } from 'zod';
import { GuardedFetchError, type GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { Embedder } from '../training/index-chunks.js';

/** A function the model asked for: its name and its arguments as JSON text. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** A function the model may call (OpenAI `tools`, type `function`). */
export interface ChatTool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly toolCalls?: readonly ToolCall[];
    }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

export interface ChatAnswer {
  readonly text: string;
  /** The functions the model asked for instead of answering (empty when it answered). */
  readonly toolCalls: readonly ToolCall[];
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface AiProviderConfig {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly embeddingsModel: string | undefined;
}

const chatResponse = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.object({
                id: z.string(),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullable()
            .optional(),
        }),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number() })
    .partial()
    .optional(),
});

const embeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
});

export class AiProviderError extends Error {}

/**
 * An OpenAI-compatible API (`/v1/chat/completions`, `/v1/embeddings`): OpenAI itself, or
 * Ollama, vLLM, LM Studio on the operator's machines. Requests go through the SSRF-guarded
 * client; a local model server needs PARLEY_ALLOW_PRIVATE_NETWORKS like any private target.
 */
export class OpenAiClient {
  constructor(
    private readonly http: GuardedHttpClient,
    private readonly config: AiProviderConfig,
  ) {}

  async chat(
    messages: readonly ChatMessage[],
    options: { maxTokens?: number; timeoutMs?: number; tools?: readonly ChatTool[] } = {},
  ): Promise<ChatAnswer> {
    const tools = options.tools ?? [];
    const body = await this.#post(
      '/chat/completions',
      {
        model: this.config.model,
        messages: messages.map(wireMessage),
        temperature: 0,
        max_tokens: options.maxTokens ?? 600,
        ...(tools.length === 0
          ? {}
          : { tools: tools.map((tool) => ({ type: 'function', function: tool })) }),
      },
      options.timeoutMs ?? 30_000,
    );
    const parsed = chatResponse.safeParse(body);
    if (!parsed.success)
      throw new AiProviderError('the AI provider answered in an unexpected shape');
    const message = parsed.data.choices[0]?.message;
    return {
      text: message?.content ?? '',
      toolCalls: (message?.tool_calls ?? []).map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })),
      promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
      completionTokens: parsed.data.usage?.completion_tokens ?? 0,
    };
  }

  /** The embeddings client, when an embeddings model is configured. */
  embedder(): Embedder | undefined {
    const model = this.config.embeddingsModel;
    if (model === undefined) return undefined;
    return {
      model,
      embed: async (texts) => {
        const vectors: Float32Array[] = [];
        for (let start = 0; start < texts.length; start += 64) {
          const batch = texts.slice(start, start + 64);
          const parsed = embeddingsResponse.safeParse(
            await this.#post('/embeddings', { model, input: batch }, 60_000),
          );
          if (!parsed.success || parsed.data.data.length !== batch.length) {
            throw new AiProviderError('the embeddings provider answered in an unexpected shape');
          }
          const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index);
          vectors.push(...ordered.map((item) => Float32Array.from(item.embedding)));
        }
        return vectors;
      },
    };
  }

  async #post(path: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const base = this.config.baseUrl.endsWith('/v1')
      ? this.config.baseUrl
      : `${this.config.baseUrl}/v1`;
    let response;
    try {
      response = await this.http.fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.config.apiKey === undefined
            ? {}
            : { authorization: `Bearer ${this.config.apiKey}` }),
        },
        body: JSON.stringify(payload),
        timeoutMs,
        maxResponseBytes: 16 * 1024 * 1024,
      });
    } catch (error) {
      const reason =
        error instanceof GuardedFetchError ? `${error.code}: ${error.message}` : String(error);
      throw new AiProviderError(`the AI provider could not be reached (${reason})`);
    }
    if (response.status < 200 || response.status > 299) {
      throw new AiProviderError(`the AI provider answered HTTP ${String(response.status)}`);
    }
    try {
      return JSON.parse(response.text()) as unknown;
    } catch {
      throw new AiProviderError('the AI provider answered with invalid JSON');
    }
  }
}

/** A message as the OpenAI API spells it. */
function wireMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return message.toolCalls === undefined || message.toolCalls.length === 0
        ? { role: 'assistant', content: message.content }
        : {
            role: 'assistant',
            content: message.content === '' ? null : message.content,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
          };
    default:
      return { role: message.role, content: message.content };
  }
}
