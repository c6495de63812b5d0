import { z } from 'zod';
import { externalCallSchema, type ExternalCall } from '../../engine/external-call.js';
import type { JobContext, JobDefinition } from '../../jobs/queue.js';
import { inTransaction } from '../../storage/transaction.js';
import type { ServiceContext } from '../context.js';
import { BotCalls } from './bot-calls.js';
import { awaits, type BotRunner, type Wake } from './bot-runner.js';
import { parseState } from './bot-session-store.js';

declare module '../../jobs/job-types.js' {
  interface JobTypes {
    /** A bot's delay is over: resume the conversation's session at `nodeId`. */
    'bot.timer': {
      readonly accountId: number;
      readonly conversationId: number;
      readonly nodeId: string;
      readonly at: number;
    };
    /** A block's external call (webhook, code, e-mail, AI, notify): make it, then resume. */
    'bot.call': {
      readonly accountId: number;
      readonly conversationId: number;
      readonly nodeId: string;
      readonly callId: string;
      readonly call: ExternalCall;
      readonly timeoutMs: number;
    };
  }
}

const ids = {
  accountId: z.number().int().positive(),
  conversationId: z.number().int().positive(),
  nodeId: z.string().min(1),
};

/** `bot.timer`: a delay block's timer is due. */
export function botTimerJob(
  context: ServiceContext,
  runner: BotRunner,
): JobDefinition<'bot.timer'> {
  return {
    name: 'bot.timer',
    payload: z.object({ ...ids, at: z.number() }),
    handle: (payload, job) => {
      const wake = { kind: 'timer', at: payload.at } as const;
      return handingOverOnLastFailure(context, runner, job, payload, wake, () =>
        inTransaction(context.db, (unit) =>
          runner.turn(
            unit,
            payload.accountId,
            payload.conversationId,
            { type: 'timer', nodeId: payload.nodeId },
            wake,
          ),
        ),
      );
    },
  };
}

/**
 * `bot.call`: makes a parked block's call and resumes the session with its result. The
 * job was enqueued in the turn that parked, so the call survives a restart. A call the
 * session no longer waits for (restarted, handed over, expired) is not made at all.
 */
export function botCallJob(
  context: ServiceContext,
  runner: BotRunner,
  calls: BotCalls,
): JobDefinition<'bot.call'> {
  return {
    name: 'bot.call',
    payload: z.object({
      ...ids,
      callId: z.string().min(1),
      call: externalCallSchema,
      timeoutMs: z.number().int().positive(),
    }),
    async handle(payload, job) {
      const { accountId, conversationId, nodeId, callId, call } = payload;
      const wake = { kind: 'call', callId } as const;
      const target = { accountId, callId, timeoutMs: payload.timeoutMs };
      if (!(await stillAwaited(context, accountId, conversationId, callId))) return;
      const external = BotCalls.inUnit(call) ? undefined : await calls.external(call, target);
      await handingOverOnLastFailure(context, runner, job, payload, wake, () =>
        inTransaction(context.db, (unit) =>
          runner.turn(
            unit,
            accountId,
            conversationId,
            async (inner) => ({
              type: 'call_result',
              nodeId,
              callId,
              result: external ?? (await calls.inUnit(inner, call, target)),
            }),
            wake,
          ),
        ),
      );
    },
  };
}

/**
 * Runs a timer's or a call's turn. When its last attempt fails too, the conversation goes to
 * the agents (BotRunner.giveUp) rather than waiting for a turn that will never come; the
 * job still fails, and stays dead in the queue for whoever looks into why.
 */
async function handingOverOnLastFailure(
  context: ServiceContext,
  runner: BotRunner,
  job: JobContext,
  ids: { readonly accountId: number; readonly conversationId: number },
  wake: Exclude<Wake, { kind: 'message' }>,
  turn: () => Promise<void>,
): Promise<void> {
  try {
    await turn();
  } catch (error) {
    if (job.attempt >= job.maxAttempts) {
      const reason = error instanceof Error ? error.message : String(error);
      try {
        const handedOver = await inTransaction(context.db, (unit) =>
          runner.giveUp(unit, ids.accountId, ids.conversationId, wake, reason),
        );
        if (handedOver) {
          context.logger.error(
            { err: error, ...ids },
            "the bot's last attempt failed: the conversation is handed to the agents",
          );
        }
      } catch (handOverError) {
        context.logger.error(
          { err: handOverError, ...ids },
          'could not hand the conversation over',
        );
      }
    }
    throw error;
  }
}

async function stillAwaited(
  context: ServiceContext,
  accountId: number,
  conversationId: number,
  callId: string,
): Promise<boolean> {
  const row = await context.db
    .selectFrom('bot_sessions')
    .select('state')
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row !== undefined && awaits(parseState(row.state), { kind: 'call', callId });
}
