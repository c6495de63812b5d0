import type { WidgetAction, WidgetMessage, WidgetSession } from '@parley/protocol';
import type { WidgetOptions } from '../options.js';
import type { WidgetApi } from '../transport/api.js';
import { LiveConnection } from '../transport/live.js';
import { isPending, maxSeq, mergeMessages, setStatus } from './messages.js';
import { TypingSignal } from './typing.js';
import type { Widget } from './widget.js';

/** How long the dots show after the visitor sent something, if nobody answers sooner. */
const AWAIT_REPLY_MS = 8_000;
/** An agent's "typing" that never got its "stopped" (they closed the tab) expires. */
const AGENT_TYPING_MS = 30_000;
const READ_DEBOUNCE_MS = 500;

/**
 * The incoming side of the conversation: the live connection, the cursor it resumes from,
 * merging what arrives into the message list, typing indicators, read receipts, and the
 * `message` / `handover` events.
 */
export class Feed {
  conversationId: string | null = null;
  private cursor = 0;
  private live: LiveConnection | null = null;
  /** Ids already announced with a `message` event (or present when the session opened). */
  private seen = new Set<string>();
  /** Conversations whose first agent message has been announced as a handover. */
  private readonly handedOver = new Set<string>();
  private agentTyping = false;
  private awaitingReply = false;
  private agentTimer: ReturnType<typeof setTimeout> | undefined;
  private awaitTimer: ReturnType<typeof setTimeout> | undefined;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRead = 0;
  private readonly typingSignal = new TypingSignal((on) => this.live?.typing(on));

  constructor(
    private readonly widget: Widget,
    private readonly api: WidgetApi,
    private readonly options: WidgetOptions,
    private readonly onAction: (action: WidgetAction) => void,
  ) {
    document.addEventListener('visibilitychange', () => {
      this.markRead();
    });
  }

  /** Starts over from a session: its messages replace the list, the socket reconnects. */
  reset(session: WidgetSession): void {
    this.stop();
    const pending = this.widget.state.messages.filter(isPending);
    const messages = mergeMessages(pending, session.messages);
    this.conversationId = session.conversation_id;
    this.seen = new Set(session.messages.map((m) => m.id));
    this.cursor = maxSeq(messages, session.cursor);
    this.lastRead = 0;
    if (session.messages.some((m) => m.sender.type === 'user')) {
      this.handedOver.add(session.conversation_id ?? '');
    }
    this.agentTyping = false;
    this.awaitingReply = false;
    this.widget.store.update({ messages, typing: false });
    this.live = new LiveConnection({
      apiBase: this.options.apiBase,
      api: this.api,
      mode: this.options.transport,
      cursor: () => this.cursor,
      events: {
        message: (message) => {
          this.receive([message]);
        },
        status: (id, status) => {
          this.widget.store.update({ messages: setStatus(this.widget.state.messages, id, status) });
        },
        typing: (on) => {
          this.setAgentTyping(on);
        },
        action: (action) => {
          this.onAction(action);
        },
        cursor: (seq) => {
          this.cursor = Math.max(this.cursor, seq);
        },
        unauthorized: () => {
          void this.widget.renew();
        },
      },
    });
    this.live.start();
    this.markRead();
  }

  stop(): void {
    this.live?.stop();
    this.live = null;
  }

  /** Messages from the server, from whichever path: merged, announced once each. */
  receive(messages: readonly WidgetMessage[]): void {
    if (messages.length === 0) return;
    const { state } = this.widget;
    let unread = state.unread;
    for (const message of messages) {
      this.cursor = Math.max(this.cursor, message.seq);
      if (this.seen.has(message.id)) continue;
      this.seen.add(message.id);
      if (message.sender.type !== 'contact') {
        this.agentTyping = false;
        this.awaitingReply = false;
        if (!state.open) unread++;
      }
      this.widget.events.emit('message', message);
      if (message.sender.type === 'user') this.announceHandover(message);
    }
    this.widget.store.update({
      messages: mergeMessages(this.widget.state.messages, messages),
      unread,
      typing: this.agentTyping || this.awaitingReply,
    });
    this.markRead();
  }

  /** The visitor's own message, before the server has it. */
  add(message: WidgetMessage): void {
    this.widget.store.update({ messages: mergeMessages(this.widget.state.messages, [message]) });
  }

  /** The visitor sent something: expect an answer (the dots) and stop "typing". */
  visitorSent(): void {
    this.typingSignal.stop();
    // The dots promise a bot's quick answer; a person (an agent) answers when they answer.
    const others = this.widget.state.messages.filter(
      (message) => message.sender.type !== 'contact',
    );
    if (others[others.length - 1]?.sender.type === 'user') return;
    this.awaitingReply = true;
    clearTimeout(this.awaitTimer);
    this.awaitTimer = setTimeout(() => {
      this.awaitingReply = false;
      this.refreshTyping();
    }, AWAIT_REPLY_MS);
    this.refreshTyping();
  }

  visitorTyping(): void {
    this.typingSignal.keystroke();
  }

  /** Tells the server what the visitor has seen, when the chat is open and on screen. */
  markRead(): void {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const { open, messages } = this.widget.state;
      if (!open || document.visibilityState !== 'visible') return;
      const seq = maxSeq(messages);
      if (seq <= this.lastRead) return;
      this.lastRead = seq;
      this.api.markRead(seq).catch(() => {
        this.lastRead = 0;
      });
    }, READ_DEBOUNCE_MS);
  }

  private setAgentTyping(on: boolean): void {
    this.agentTyping = on;
    clearTimeout(this.agentTimer);
    if (on) {
      this.agentTimer = setTimeout(() => {
        this.setAgentTyping(false);
      }, AGENT_TYPING_MS);
    }
    this.refreshTyping();
  }

  private refreshTyping(): void {
    const typing = this.agentTyping || this.awaitingReply;
    if (typing !== this.widget.state.typing) this.widget.store.update({ typing });
  }

  private announceHandover(message: WidgetMessage): void {
    const conversation = this.conversationId ?? '';
    if (this.handedOver.has(conversation)) return;
    this.handedOver.add(conversation);
    this.widget.events.emit('handover', { name: message.sender.name });
  }
}
