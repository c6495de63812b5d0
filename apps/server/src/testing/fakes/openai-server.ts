import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { listenOnLoopback, readBody } from './webhook-transport.js';

/**
 * An OpenAI-compatible API on 127.0.0.1 (`/v1/chat/completions`, `/v1/embeddings`) that
 * behaves like a careful model, deterministically:
 * - chat reads the numbered passages and the question from the prompt, answers with the
 *   sentence of the passage sharing the most words with the question and cites it (`[n]`),
 *   and says NO_ANSWER when no passage shares enough of the question;
 * - embeddings are feature-hashed bags of words (256 dimensions, L2-normalised): texts
 *   sharing words are close, which is what hybrid retrieval needs to be testable.
 * - after a function's result (a `tool` message), chat answers with that result's body, as a
 *   model relaying the function's data would.
 * Requests are recorded; `failNext` answers the next call with an HTTP error; `answerNext` and
 * `callToolNext` script the next chat completions, in order.
 */
export interface FakeOpenAi {
  readonly url: string;
  readonly requests: { path: string; body: unknown; authorization: string | undefined }[];
  failNext(status: number): void;
  /** The next chat completion answers exactly this (a model's NO_ANSWER, say). */
  answerNext(content: string): void;
  /** The next chat completion asks for this function (OpenAI `tool_calls`) instead. */
  callToolNext(name: string, args: Record<string, unknown>): void;
  close(): Promise<void>;
}

const chatRequest = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.string(), content: z.string().nullable().optional() })),
});
const toolResult = z.object({ body: z.string() });

type Scripted = { content: string } | { toolCall: { name: string; arguments: string } };

/** What the fake model says after a function's result: the data it got. */
function relay(result: string): string {
  try {
    const parsed = toolResult.safeParse(JSON.parse(result));
    return parsed.success ? `The function says: ${parsed.data.body}` : result;
  } catch {
    return result;
  }
}
const embeddingsRequest = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string())]),
});

const DIMENSIONS = 256;

function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]{3,}/gu) ?? []
  );
}

/** The fake embedder: hashed word counts, normalised. */
export function hashedEmbedding(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of words(text)) {
    const bucket = createHash('md5').update(word).digest().readUInt32LE(0) % DIMENSIONS;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

function answerFrom(prompt: string): string {
  const question = /Question: ([\s\S]*)$/.exec(prompt)?.[1] ?? '';
  const asked = new Set(words(question));
  const passages = [
    ...prompt.matchAll(/^\[(\d+)\][^\n]*\n([\s\S]*?)(?=\n\n\[\d+\]|\n\nQuestion:)/gm),
  ];
  let best: { n: string; sentence: string; overlap: number } | undefined;
  for (const [, n = '', text = ''] of passages) {
    for (const sentence of text.split(/(?<=[.!?])\s+/)) {
      const overlap = words(sentence).filter((word) => asked.has(word)).length;
      if (best === undefined || overlap > best.overlap)
        best = { n, sentence: sentence.trim(), overlap };
    }
  }
  if (best === undefined || best.overlap < Math.max(1, Math.ceil(asked.size / 3)))
    return 'NO_ANSWER';
  return `${best.sentence} [${best.n}]`;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  let failure: number | undefined;
  const scripted: Scripted[] = [];
  let calls = 0;
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const raw = await readBody(request);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      const path = (request.url ?? '').split('?')[0] ?? '';
      requests.push({ path, body, authorization: request.headers.authorization });
      if (failure !== undefined) {
        const status = failure;
        failure = undefined;
        json(response, status, { error: { message: 'fake failure', type: 'server_error' } });
        return;
      }
      if (path === '/v1/chat/completions') {
        const parsed = chatRequest.safeParse(body);
        if (!parsed.success) {
          json(response, 400, { error: { message: 'bad request' } });
          return;
        }
        const prompt = parsed.data.messages.map((message) => message.content ?? '').join('\n');
        const last = parsed.data.messages.at(-1);
        const next = scripted.shift() ?? {
          content:
            last?.role === 'tool' ? relay(last.content ?? '') : answerFrom(last?.content ?? ''),
        };
        calls += 1;
        const message =
          'content' in next
            ? { role: 'assistant', content: next.content }
            : {
                role: 'assistant',
                content: null,
                tool_calls: [
                  { id: `call_${String(calls)}`, type: 'function', function: next.toolCall },
                ],
              };
        const text = 'content' in next ? next.content : JSON.stringify(next.toolCall);
        json(response, 200, {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          model: parsed.data.model,
          choices: [
            {
              index: 0,
              message,
              finish_reason: 'content' in next ? 'stop' : 'tool_calls',
            },
          ],
          usage: {
            prompt_tokens: words(prompt).length,
            completion_tokens: words(text).length,
            total_tokens: 0,
          },
        });
        return;
      }
      if (path === '/v1/embeddings') {
        const parsed = embeddingsRequest.safeParse(body);
        if (!parsed.success) {
          json(response, 400, { error: { message: 'bad request' } });
          return;
        }
        const inputs =
          typeof parsed.data.input === 'string' ? [parsed.data.input] : parsed.data.input;
        json(response, 200, {
          object: 'list',
          model: parsed.data.model,
          data: inputs.map((input, index) => ({
            object: 'embedding',
            index,
            embedding: hashedEmbedding(input),
          })),
        });
        return;
      }
      json(response, 404, { error: { message: 'not found' } });
    })();
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    failNext: (status) => {
      failure = status;
    },
    answerNext: (content) => {
      scripted.push({ content });
    },
    callToolNext: (name, args) => {
      scripted.push({ toolCall: { name, arguments: JSON.stringify(args) } });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
