import {
  createSession,
  startsOn,
  step,
  type RunContext,
  type Session,
} from '../../engine/runtime.js';
import type { FlowEvent } from '../../engine/types.js';
import type {
  ChannelRow,
  ContactRow,
  ConversationRow,
} from '../../storage/schema-conversations.js';
import { ContactsRepository } from '../../storage/repositories/contacts-repository.js';
import { inSavepoint, type UnitOfWork } from '../../storage/transaction.js';
import type { ServiceContext } from '../context.js';
import { readAccountSettings } from '../accounts/account-settings.js';
import { parseVariables } from '../conversations/snapshots.js';
import { isEventOf, type RecordedEvent } from '../events/event-recorder.js';
import type { MessagesService } from '../messages/messages-service.js';
import { BotEffects, type EffectTarget } from './bot-effects.js';
import {
  anyBotServes,
  CompiledFlows,
  findDeployedBot,
  findVersion,
  pickBot,
  type DeployedBot,
} from './bot-selection.js';
import {
  appendLog,
  lockConversation,
  lockSession,
  parseState,
  saveSession,
  type BotState,
} from './bot-session-store.js';
import type { BotSessionRow } from './bot-session-table.js';
import { isPreviewChannel, previewDeployment } from './bot-preview.js';

export interface BotRunnerOptions {
  /** A session idle for longer than this starts over on the next message (default 24 h). */
  readonly expiryMs?: number;
}

export const DEFAULT_EXPIRY_MS = 24 * 60 * 60 * 1_000;

/** What started a turn: a contact's message, a due timer, or a call's result coming back. */
export type Wake =
  | { readonly kind: 'message' }
  | { readonly kind: 'timer'; readonly at: number }
  | { readonly kind: 'call'; readonly callId: string }
  | { readonly kind: 'handback' };

/** The event of a turn, or how to make it once the turn holds its locks (in-unit calls). */
export type TurnEvent = FlowEvent | ((unit: UnitOfWork) => Promise<FlowEvent>);

/**
 * Runs bots on conversations. A turn (one contact message, or one due timer) happens
 * entirely inside one transaction: the inbound message's own (as a committing listener)
 * or the timer job's. It locks the conversation row, then the session row, runs the pure
 * `step`, writes the replies with their send jobs, the timer job, the assignment and the
 * new session state, and commits all of it with the message that caused it.
 *
 * That is what serializes a conversation: a second turn blocks on the conversation row
 * lock (PostgreSQL `FOR NO KEY UPDATE`, see lockConversation; SQLite has a single writer)
 * until the first commits, then reads the session the first one wrote. Two turns can never
 * interleave or both start from the same state, and a crash loses either the whole turn
 * with its message or nothing. A turn that fails (rather than crashes) is undone alone: the
 * message stays, unanswered, and the next one runs the bot again.
 */
export class BotRunner {
  readonly #effects: BotEffects;
  readonly #flows = new CompiledFlows();
  readonly #expiryMs: number;

  constructor(
    private readonly context: ServiceContext,
    messages: MessagesService,
    options: BotRunnerOptions = {},
  ) {
    this.#effects = new BotEffects(context, messages);
    this.#expiryMs = options.expiryMs ?? DEFAULT_EXPIRY_MS;
  }

  /** The committing listener: a contact's message is the bot's next turn. */
  readonly onEvent = async (unit: UnitOfWork, event: RecordedEvent): Promise<void> => {
    // The bot's own replies are `message.created` events too: only inbound ones wake it.
    if (!isEventOf(event, 'message.created') || event.data.message.direction !== 'inbound') return;
    // The inbound hot path: a conversation no bot has touched, on a channel no bot serves,
    // costs one read here instead of a whole turn's locks and lookups.
    const snapshot = event.data.conversation;
    if (snapshot.botId === null && !snapshot.assignee.bot) {
      if (snapshot.assignee.user !== null) return;
      if (
        !(await anyBotServes(unit.db, this.context.caches, event.accountId, snapshot.channel.type))
      )
        return;
    }
    // The turn runs in a savepoint: if it fails (a bug, a database error), it is undone, but
    // the contact's message it answers is kept (and no 500 or dropped webhook). The session
    // is as it was, so the bot tries again on the next message.
    try {
      await inSavepoint(unit, 'bot_turn', (turn) =>
        this.turn(
          turn,
          event.accountId,
          event.conversationId,
          { type: 'message', content: event.data.message.content },
          { kind: 'message' },
        ),
      );
    } catch (error) {
      this.context.logger.error(
        { err: error, accountId: event.accountId, conversationId: event.conversationId },
        'the bot turn failed; the message is kept without a reply',
      );
    }
  };

  /**
   * One turn in `unit`: used by the committing listener and by the bot jobs (timers,
   * call results). Does nothing when the conversation, session or wake-up is stale.
   */
  async turn(
    unit: UnitOfWork,
    accountId: number,
    conversationId: number,
    turnEvent: TurnEvent,
    wake: Wake,
  ): Promise<void> {
    const { dialect } = this.context;
    const conversation = await lockConversation(unit, dialect, accountId, conversationId);
    if (conversation === undefined || conversation.status === 'closed') return;
    const row = await lockSession(unit, dialect, accountId, conversationId);
    const now = this.context.clock.now();
    const previous = row === undefined ? undefined : parseState(row.state);
    const firstEvent = typeof turnEvent === 'function' ? undefined : turnEvent;
    const target = await this.#target(unit, wake, conversation, row, previous, now, firstEvent);
    if (target === undefined) return;
    const { deployed, session } = target;
    const event = typeof turnEvent === 'function' ? await turnEvent(unit) : turnEvent;

    const { channel, contact } = await this.#channelAndContact(unit, conversation);
    const settings = await this.context.caches.accountSettings.get(accountId, () =>
      readAccountSettings(unit.db, accountId),
    );
    const result = step(
      this.#flows.of(deployed.version),
      session,
      event,
      runContext(conversation, channel, contact, now, settings.variables),
    );
    const effectTarget: EffectTarget = { conversation, channel, contact, timer: null };
    // Claimed before the replies are written, so their events show the bot in charge.
    if (result.session.status !== 'ended') {
      effectTarget.conversation = await this.#effects.claim(unit, conversation, deployed.bot.id);
    }
    await this.#effects.apply(unit, effectTarget, result.effects);

    // A message during a delay leaves the session waiting on the same timer: keep it.
    const kept =
      result.session.status === 'waiting' && previous?.timer?.nodeId === result.session.nodeId
        ? previous.timer
        : null;
    const state: BotState = {
      session: result.session,
      timer: effectTarget.timer ?? kept,
      log: appendLog(previous?.log ?? [], result.log),
    };
    const key = {
      accountId,
      conversationId,
      botId: deployed.bot.id,
      flowVersionId: deployed.version.id,
    };
    await saveSession(unit, row, key, state, now);
  }

  /**
   * A timer's or a call's turn failed on its last attempt: had nothing else happened, the
   * session would wait for that wake-up forever, and every message of the contact meanwhile
   * would leave it waiting (a Delay) or be refused. The session ends as at a handover, the
   * conversation goes to the agents' inbox, and the log says why. Does nothing when the
   * session no longer waits for that wake-up.
   */
  async giveUp(
    unit: UnitOfWork,
    accountId: number,
    conversationId: number,
    wake: Exclude<Wake, { kind: 'message' }>,
    reason: string,
  ): Promise<boolean> {
    const { dialect } = this.context;
    const conversation = await lockConversation(unit, dialect, accountId, conversationId);
    const row = await lockSession(unit, dialect, accountId, conversationId);
    if (conversation === undefined || row === undefined) return false;
    const previous = parseState(row.state);
    if (!awaits(previous, wake)) return false;
    const now = this.context.clock.now();
    const { channel, contact } = await this.#channelAndContact(unit, conversation);
    const target: EffectTarget = { conversation, channel, contact, timer: null };
    // Only a conversation still the bot's: one an agent took meanwhile stays theirs.
    if (conversation.status !== 'closed' && conversation.assigned_to_bot === 1) {
      await this.#effects.apply(unit, target, [{ type: 'handover' }]);
    }
    // Whatever it waited for is forgotten with it: a late result finds nothing to resume.
    const session: Session = { ...previous.session, status: 'ended', endReason: 'handover' };
    delete session.pending;
    session.updatedAt = now;
    const nodeId = session.nodeId ?? '';
    const state: BotState = {
      session,
      timer: null,
      log: appendLog(previous.log, [
        { nodeId, type: wake.kind, outcome: `error: ${reason}`.slice(0, 500), at: now },
      ]),
    };
    const key = {
      accountId,
      conversationId,
      botId: row.bot_id,
      flowVersionId: row.flow_version_id,
    };
    await saveSession(unit, row, key, state, now);
    return true;
  }

  /** The bot, version and session a turn runs on; undefined when the bot must stay out. */
  async #target(
    unit: UnitOfWork,
    wake: Wake,
    conversation: ConversationRow,
    row: BotSessionRow | undefined,
    previous: BotState | undefined,
    now: number,
    /** The turn's event when known up front: a new session goes to a bot it would start. */
    event: FlowEvent | undefined,
  ): Promise<{ deployed: DeployedBot; session: Session } | undefined> {
    const accountId = conversation.account_id;
    if (wake.kind !== 'message') {
      // Stale: the session moved on (answered, restarted, handed over) since scheduling.
      if (row === undefined || previous === undefined) return undefined;
      if (!awaits(previous, wake) || conversation.assigned_to_bot === 0) return undefined;
      const deployed = await this.#deployedOf(unit, row);
      return deployed && { deployed, session: previous.session };
    }
    // A session waiting on its own timer or call is not idle, however long the Delay.
    const busy =
      previous !== undefined && (previous.timer !== null || previous.session.pending !== undefined);
    const expired =
      previous !== undefined && !busy && now - previous.session.updatedAt > this.#expiryMs;
    if (previous !== undefined && row !== undefined && !expired) {
      // After a handover the conversation is the agents' until a handback, until it is
      // closed (BotHandback forgets the handover) or until the session expires.
      if (previous.session.endReason === 'handover') return undefined;
      if (previous.session.status !== 'ended') {
        // An agent took the conversation over while the bot was waiting.
        if (conversation.assigned_to_bot === 0) return undefined;
        const deployed = await this.#deployedOf(unit, row);
        return deployed && { deployed, session: previous.session };
      }
    }
    // A new bot session: only for conversations no agent holds.
    if (conversation.assignee_user_id !== null) return undefined;
    const channel = await unit.db
      .selectFrom('channels')
      .select(['type', 'external_id', 'config'])
      .where('account_id', '=', accountId)
      .where('id', '=', conversation.channel_id)
      .executeTakeFirstOrThrow();
    const deployed = isPreviewChannel(channel.external_id)
      ? await previewDeployment(unit.db, accountId, channel.config)
      : await pickBot(
          unit.db,
          this.context.caches,
          accountId,
          channel.type,
          channel.external_id,
          (version) => event === undefined || startsOn(this.#flows.of(version), event),
        );
    return deployed && { deployed, session: createSession(now, deployed.version.version) };
  }

  async #deployedOf(unit: UnitOfWork, row: BotSessionRow): Promise<DeployedBot | undefined> {
    const [bot, version] = await Promise.all([
      findDeployedBot(unit.db, this.context.caches, row.account_id, row.bot_id),
      findVersion(unit.db, this.context.caches, row.account_id, row.flow_version_id),
    ]);
    return bot === undefined || version === undefined ? undefined : { bot, version };
  }

  async #channelAndContact(
    unit: UnitOfWork,
    conversation: ConversationRow,
  ): Promise<{ channel: ChannelRow; contact: ContactRow }> {
    const accountId = conversation.account_id;
    const [channel, contact] = await Promise.all([
      this.context.caches.channel(unit.db, accountId, conversation.channel_id),
      new ContactsRepository(unit.db, accountId).findById(conversation.contact_id),
    ]);
    // Foreign keys keep both for as long as the conversation exists.
    if (channel === undefined || contact === undefined) {
      throw new Error(`conversation ${String(conversation.id)} lost its channel or contact`);
    }
    return { channel, contact };
  }
}

/** Whether the session still waits for this timer or call result. */
export function awaits(state: BotState, wake: Exclude<Wake, { kind: 'message' }>): boolean {
  if (wake.kind === 'handback') return state.session.endReason === 'handover';
  if (state.session.status !== 'waiting') return false;
  return wake.kind === 'timer'
    ? state.timer?.at === wake.at
    : state.session.pending?.callId === wake.callId;
}

/** What templates see: the contact's fields and variables, the conversation, the channel. */
function runContext(
  conversation: ConversationRow,
  channel: ChannelRow,
  contact: ContactRow,
  now: number,
  globals: Record<string, unknown>,
): RunContext {
  return {
    now,
    contact: {
      ...parseVariables(contact.variables),
      id: contact.key,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
    },
    conversation: { ...parseVariables(conversation.variables), id: conversation.public_id },
    channel: { type: channel.type, id: channel.id, name: channel.name },
    globals,
  };
}
