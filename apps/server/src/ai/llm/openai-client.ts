import { z } from 'zod';
import { GuardedFetchError, type GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { Embedder } from '../training/index-chunks.js';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatAnswer {
  readonly text: string;
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
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
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
    options: { maxTokens?: number; timeoutMs?: number } = {},
  ): Promise<ChatAnswer> {
    const body = await this.#post(
      '/chat/completions',
      { model: this.config.model, messages, temperature: 0, max_tokens: options.maxTokens ?? 600 },
      options.timeoutMs ?? 30_000,
    );
    const parsed = chatResponse.safeParse(body);
    if (!parsed.success)
      throw new AiProviderError('the AI provider answered in an unexpected shape');
    return {
      text: parsed.data.choices[0]?.message.content ?? '',
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
