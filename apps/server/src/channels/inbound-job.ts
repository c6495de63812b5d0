import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ConversationsService } from '../core/conversations/conversations-service.js';
import type { ServiceContext } from '../core/context.js';
import type { MessagesService } from '../core/messages/messages-service.js';
import type { JobDefinition } from '../jobs/queue.js';
import type { ChannelRow } from '../storage/schema-conversations.js';
import { PreparedQuery } from '../storage/prepared-query.js';
import { inSavepoint, inTransaction, type UnitOfWork } from '../storage/transaction.js';
import type { ChannelAdapter, InboundEvent, ProviderRequest } from './adapter.js';
import { drainStarted, scheduleDrain } from './inbox-drain-flag.js';
import { channelContext, type ChannelAdapters, type SecretsOf } from './registry.js';

declare module '../jobs/job-types.js' {
  interface JobTypes {
    /** A channel's inbox has webhooks waiting: apply them, oldest first. */
    'channel.inbound': { readonly accountId: number; readonly channelId: number };
  }
}

const storedRequest = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  query: z.record(z.string(), z.string()),
  /** base64 */
  body: z.string(),
});

// Every webhook is stored, read back and marked done: prepared.
const insertInboxRow = new PreparedQuery<
  {
    account_id: number;
    channel_id: number;
    digest: string;
    request: string;
    received_at: number;
  },
  { id: number }
>((db, param) =>
  db
    .insertInto('channel_inbox')
    .values({
      account_id: param('account_id'),
      channel_id: param('channel_id'),
      digest: param('digest'),
      request: param('request'),
      received_at: param('received_at'),
      processed_at: null,
      error: null,
    })
    // An identical body is the provider redelivering what it already gave us.
    .onConflict((conflict) => conflict.columns(['channel_id', 'digest']).doNothing())
    .returning('id'),
);

/** The oldest pending webhook of a channel, locked on PostgreSQL (see InboxDrain). */
const inboxHead = (lock: boolean) =>
  new PreparedQuery<{ channelId: number }, { id: number; request: string }>((db, param) =>
    db
      .selectFrom('channel_inbox')
      .select(['id', 'request'])
      .where('channel_id', '=', param('channelId'))
      .where('processed_at', 'is', null)
      .orderBy('id')
      .limit(1)
      .$if(lock, (query) => query.forUpdate()),
  );
const inboxHeadUnlocked = inboxHead(false);
const inboxHeadLocked = inboxHead(true);

const markProcessed = new PreparedQuery<
  { id: number; processedAt: number; error: string | null },
  never
>((db, param) =>
  db
    .updateTable('channel_inbox')
    .set({ processed_at: param('processedAt'), error: param('error') })
    .where('id', '=', param('id')),
);

/**
 * Persists a verified webhook in the channel's inbox, with a job to drain it, in the
 * caller's transaction: once the provider gets its 2xx the webhook is durable, and a slow
 * bot never delays the acknowledgement.
 */
export async function enqueueInbound(
  context: ServiceContext,
  unit: UnitOfWork,
  channel: { readonly id: number; readonly account_id: number },
  request: ProviderRequest,
): Promise<void> {
  const stored: z.infer<typeof storedRequest> = {
    method: request.method,
    url: request.url,
    headers: { ...request.headers },
    query: { ...request.query },
    body: request.body.toString('base64'),
  };
  const inserted = await insertInboxRow.takeFirst(unit.db, {
    account_id: channel.account_id,
    channel_id: channel.id,
    digest: createHash('sha256').update(request.body).digest('hex'),
    request: JSON.stringify(stored),
    received_at: context.clock.now(),
  });
  if (inserted === undefined) return;
  // SQLite: a drain job already waiting will apply this one too (inbox-drain-flag.ts).
  if (context.dialect === 'sqlite' && !(await scheduleDrain(unit.db, channel.id))) return;
  await context.queue.enqueue(
    'channel.inbound',
    { accountId: channel.account_id, channelId: channel.id },
    { accountId: channel.account_id },
    unit,
  );
}

export interface InboundDependencies {
  readonly adapters: ChannelAdapters;
  readonly secretsOf: SecretsOf;
  readonly conversations: Pick<ConversationsService, 'receive'>;
  readonly messages: Pick<MessagesService, 'applyStatus'>;
}

/** How many webhooks one job applies before it yields to other work (others continue). */
const DRAIN_BATCH = 200;
/** A status can overtake the send job's record of the provider id: tries before giving up. */
const UNMATCHED_STATUS_TRIES = 3;

class StatusNotYetKnown extends Error {}

/**
 * `channel.inbound`: applies a channel's pending webhooks strictly in the order they were
 * accepted, each in a transaction with everything it causes (the message, the bot's turn,
 * the statuses). One per transaction: the transaction runs without a break for the event
 * loop, and a few webhooks with their bot turns in one (about 10 ms) kept the webhooks being
 * acknowledged meanwhile waiting; group commit shares the commits anyway. The pending rows
 * are locked first, so two jobs of one channel never apply webhooks side by side or out of
 * order: the second waits, then finds the rows done and goes on with the next.
 */
export function channelInboundJob(
  context: ServiceContext,
  deps: InboundDependencies,
): JobDefinition<'channel.inbound'> {
  return {
    name: 'channel.inbound',
    payload: z.object({
      accountId: z.number().int().positive(),
      channelId: z.number().int().positive(),
    }),
    async handle({ accountId, channelId }, job) {
      // Its own statement, before the inbox is read: a drain that fails cannot leave it set.
      if (context.dialect === 'sqlite') await drainStarted(context.db, channelId);
      const channel = await context.caches.channel(context.db, accountId, channelId);
      const adapter = channel === undefined ? undefined : deps.adapters.get(channel.provider);
      if (channel === undefined || adapter === undefined) return;
      const drain = new InboxDrain(context, deps, channel, adapter, {
        giveUpOnStatuses: job.attempt >= UNMATCHED_STATUS_TRIES,
      });
      for (let applied = 0; applied < DRAIN_BATCH; applied++) {
        if (!(await drain.applyNext())) return;
      }
      // More than a batch waiting: a fresh job continues after others had their turn.
      await context.queue.enqueue('channel.inbound', { accountId, channelId }, { accountId });
    },
  };
}

/** One channel's inbox, applied oldest first. */
class InboxDrain {
  constructor(
    private readonly context: ServiceContext,
    private readonly deps: InboundDependencies,
    private readonly channel: ChannelRow,
    private readonly adapter: ChannelAdapter,
    private readonly options: { readonly giveUpOnStatuses: boolean },
  ) {}

  /** Applies the oldest pending webhook in a transaction; false when none was pending. */
  applyNext(): Promise<boolean> {
    const { context, channel } = this;
    return inTransaction(context.db, async (unit) => {
      const head = await (
        context.dialect === 'postgres' ? inboxHeadLocked : inboxHeadUnlocked
      ).takeFirst(unit.db, { channelId: channel.id });
      if (head === undefined) return false;
      await this.#applyOne(unit, head);
      return true;
    });
  }

  async #applyOne(unit: UnitOfWork, head: { id: number; request: string }): Promise<void> {
    const { context, deps, channel } = this;
    const stored = storedRequest.parse(JSON.parse(head.request));
    const request: ProviderRequest = { ...stored, body: Buffer.from(stored.body, 'base64') };
    let error: string | null = null;
    try {
      // All of the webhook or none of it: a failure halfway leaves none of its events.
      await inSavepoint(unit, 'inbound_webhook', async (webhook) => {
        const events = await this.adapter.parseInbound(
          channelContext(channel, deps.secretsOf),
          request,
        );
        for (const event of events) {
          const known = await apply(context, deps, webhook, channel, event);
          if (!known && !this.options.giveUpOnStatuses) throw new StatusNotYetKnown();
        }
      });
    } catch (failure) {
      // Retried with backoff (the row stays first in line); anything else is recorded on the
      // row so one broken payload never blocks the channel.
      if (failure instanceof StatusNotYetKnown) throw failure;
      error = failure instanceof Error ? failure.message : String(failure);
      context.logger.warn({ channel: channel.id, inbox: head.id, error }, 'inbound webhook failed');
    }
    await markProcessed.execute(unit.db, {
      id: head.id,
      processedAt: context.clock.now(),
      error,
    });
  }
}

/** Applies one event in `unit`; false for a status whose message is not (yet) known. */
async function apply(
  context: ServiceContext,
  deps: InboundDependencies,
  unit: UnitOfWork,
  channel: ChannelRow,
  event: InboundEvent,
): Promise<boolean> {
  const accountId = channel.account_id;
  if (event.kind === 'message') {
    await deps.conversations.receive(
      accountId,
      {
        channel,
        contact: event.contact,
        content: event.content,
        providerMessageId: event.providerMessageId,
      },
      unit,
    );
    return true;
  }
  const message = await unit.db
    .selectFrom('messages')
    .select('id')
    .where('account_id', '=', accountId)
    .where('channel_id', '=', channel.id)
    .where('provider_message_id', '=', event.providerMessageId)
    .where('direction', '=', 'outbound')
    .executeTakeFirst();
  if (message === undefined) return false;
  await deps.messages.applyStatus(
    accountId,
    message.id,
    event.status,
    event.reason === undefined ? {} : { reason: event.reason },
    unit,
  );
  return true;
}
