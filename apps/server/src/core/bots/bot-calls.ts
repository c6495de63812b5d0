import nodemailer from 'nodemailer';
import { AI_UNAVAILABLE } from '../../engine/external-call.js';
import type { CallResult, ExternalCall } from '../../engine/types.js';
import { GuardedFetchError, type GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { UnitOfWork } from '../../storage/transaction.js';
import type { ConversationsService } from '../conversations/conversations-service.js';
import { DomainError } from '../errors/domain-error.js';

/**
 * The AI studio's side of the AI blocks; null means "no answer" (their no_answer edge).
 * Throws DomainError AI_CREDITS_EXHAUSTED when the account's monthly AI tokens are used up.
 */
export interface AiAnswerer {
  answer(question: {
    accountId: number;
    question: string;
    knowledgeBaseId?: string | undefined;
    instructions?: string | undefined;
    /** A named prompt (ai_prompts) whose text comes before the instructions. */
    promptName?: string | undefined;
    /** The AI agent's functions (ai_functions names) and its model calls at most. */
    functions?: readonly string[] | undefined;
    maxTurns?: number | undefined;
  }): Promise<{ answer: string; citations: { title: string; url?: string }[] } | null>;
}

/** Until an AI provider is configured, AI blocks always take their "no answer" edge. */
export const noAiAnswerer: AiAnswerer = { answer: () => Promise.resolve(null) };

/** Runs a Codeblock's code in the sandbox; resolves to the variables it produced. */
export type CodeRunner = (input: {
  code: string;
  variables: Record<string, unknown>;
  timeoutMs: number;
}) => Promise<CallResult>;

export interface BotCallsDependencies {
  readonly http: GuardedHttpClient;
  readonly smtp: { readonly url: string | undefined; readonly from: string };
  readonly publicUrl: string;
  readonly runCode: CodeRunner;
  readonly ai: AiAnswerer;
  readonly conversations: Pick<ConversationsService, 'start'>;
}

export interface CallTarget {
  readonly accountId: number;
  readonly callId: string;
  readonly timeoutMs: number;
}

const RESPONSE_BYTES = 256 * 1_024;
const CODE_START_SLACK_MS = 5_000;

/**
 * Carries out the calls blocks park on. Calls that only write to Parley's database
 * (`notify`: a message to another number, through the outbox) run inside the turn's
 * transaction, so they happen exactly once with the turn that consumes their result.
 * Calls that leave the process (HTTP, code, mail, AI) run before that transaction, within
 * their timeout; a crash between the call and the commit repeats the call (at least once),
 * which is why e-mails carry a Message-ID derived from the call id.
 */
export class BotCalls {
  readonly #transport;

  constructor(private readonly deps: BotCallsDependencies) {
    this.#transport =
      deps.smtp.url === undefined ? undefined : nodemailer.createTransport(deps.smtp.url);
  }

  /** Whether the call must run inside the turn's unit of work. */
  static inUnit(call: ExternalCall): boolean {
    return call.kind === 'notify';
  }

  async external(call: ExternalCall, target: CallTarget): Promise<CallResult> {
    try {
      // The sandbox enforces a Codeblock's own limit; the slack covers starting a worker.
      const limit =
        call.kind === 'code' ? target.timeoutMs + CODE_START_SLACK_MS : target.timeoutMs;
      return await withTimeout(this.#external(call, target), limit);
    } catch (error) {
      return { ok: false, error: reasonOf(error) };
    }
  }

  async inUnit(unit: UnitOfWork, call: ExternalCall, target: CallTarget): Promise<CallResult> {
    if (call.kind !== 'notify')
      return { ok: false, error: `${call.kind} calls do not run in a transaction` };
    // Through the unit: on SQLite the transaction holds the only connection.
    const channel = await unit.db
      .selectFrom('channels')
      .selectAll()
      .where('account_id', '=', target.accountId)
      .where('type', '=', call.channelType)
      .where('enabled', '=', 1)
      .orderBy('id')
      .executeTakeFirst();
    if (channel === undefined)
      return { ok: false, error: `no enabled ${call.channelType} channel` };
    try {
      const { message } = await this.deps.conversations.start(
        target.accountId,
        { channel, contact: { externalId: call.to, phone: call.to }, content: call.content },
        unit,
      );
      return { ok: true, value: { messageId: message.public_id } };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error: error.message };
      throw error;
    }
  }

  async #external(call: ExternalCall, target: CallTarget): Promise<CallResult> {
    switch (call.kind) {
      case 'http': {
        const { method, url, headers, body } = call.request;
        const response = await this.deps.http.fetch(url, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          timeoutMs: target.timeoutMs,
          maxResponseBytes: RESPONSE_BYTES,
        });
        const flat = Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [name, String(value)]),
        );
        return {
          ok: true,
          value: { status: response.status, headers: flat, body: response.text() },
        };
      }
      case 'code':
        return this.deps.runCode({
          code: call.code,
          variables: call.variables,
          timeoutMs: target.timeoutMs,
        });
      case 'email': {
        if (this.#transport === undefined)
          return { ok: false, error: 'SMTP_URL is not configured' };
        const host = new URL(this.deps.publicUrl).hostname;
        await this.#transport.sendMail({
          from: this.deps.smtp.from,
          to: call.to,
          subject: call.subject,
          text: call.text,
          ...(call.replyTo === undefined ? {} : { replyTo: call.replyTo }),
          // A repeated call (crash before the turn committed) is recognisable as the same mail.
          messageId: `<bot-${target.callId.replace(/[^\w.-]/g, '-')}@${host}>`,
        });
        return { ok: true, value: { sent: call.to.length } };
      }
      case 'ai': {
        let answer;
        try {
          answer = await this.deps.ai.answer({ accountId: target.accountId, ...call });
        } catch (error) {
          // The blocks tell the contact, rather than silently taking their no-answer edge.
          if (error instanceof DomainError && error.code === 'AI_CREDITS_EXHAUSTED')
            return { ok: false, error: AI_UNAVAILABLE };
          throw error;
        }
        return answer === null ? { ok: false, error: 'no answer' } : { ok: true, value: answer };
      }
      case 'notify':
        return { ok: false, error: 'notify calls run in the turn transaction' };
    }
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof GuardedFetchError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

class CallTimeout extends Error {}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new CallTimeout(`timed out after ${String(ms)} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
