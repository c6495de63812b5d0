import type {
  MessageContent,
  WidgetAction,
  WidgetAppearance,
  WidgetConfig,
  WidgetMessage,
  WidgetSession,
} from '@parley/protocol';
import type { WidgetOptions } from '../options.js';
import { storageScope } from '../options.js';
import { openStorage, type KeyValue } from '../storage.js';
import type { IdentifyInput, Variables, WidgetApi, WidgetKey } from '../transport/api.js';
import { backoffDelay } from '../transport/backoff.js';
import type { WidgetContact, WidgetStart } from '../transport/guards.js';
import { ApiError } from '../transport/http.js';
import { DEFAULT_APPEARANCE } from './appearance.js';
import { schedule } from './automation.js';
import { Emitter } from './emitter.js';
import { Feed } from './feed.js';
import { deliver, newClientId, optimisticMessage } from './outbox.js';
import { isPending, setPendingStatus } from './messages.js';
import { Store } from './store.js';

export interface WidgetState {
  readonly phase: 'booting' | 'ready' | 'failed';
  readonly config: WidgetConfig | null;
  readonly appearance: WidgetAppearance;
  readonly preview: boolean;
  readonly open: boolean;
  readonly messages: readonly WidgetMessage[];
  /** Show the typing dots: an agent types, or the bot has yet to answer the visitor. */
  readonly typing: boolean;
  /** Messages that came while the chat was closed (the launcher's badge). */
  readonly unread: number;
  /** Pop-ups shown next to the closed launcher. */
  readonly popups: readonly { index: number; text: string }[];
}

/**
 * The widget's controller: opens the visitor's session, keeps the conversation current
 * (through `Feed`), and carries out what the visitor and the page's `Parley.*` calls ask.
 * The UI renders `store` and calls these methods; it never talks to the server.
 */
export class Widget {
  readonly store = new Store<WidgetState>({
    phase: 'booting',
    config: null,
    appearance: DEFAULT_APPEARANCE,
    preview: false,
    open: false,
    messages: [],
    typing: false,
    unread: 0,
    popups: [],
  });
  readonly events = new Emitter();
  readonly feed: Feed;
  private key: WidgetKey;
  private storage: KeyValue;
  private overrides: Partial<WidgetAppearance> = {};
  private starting: Promise<void> | null = null;
  private renewing: Promise<void> | null = null;
  private cancelAutomation = (): void => undefined;

  constructor(
    private readonly options: WidgetOptions,
    private readonly api: WidgetApi,
    /** Runs a flow's Javascript block in the page (set by the public API). */
    onAction: (action: WidgetAction) => void,
  ) {
    this.key = options.key;
    this.storage = openStorage(options.storage, storageScope(options.key));
    this.feed = new Feed(this, api, options, onAction);
  }

  get state(): WidgetState {
    return this.store.get();
  }

  /** Loads the config and the visitor's session; retries while the server is unreachable. */
  async boot(): Promise<boolean> {
    this.store.update({ phase: 'booting' });
    for (let attempt = 0; ; attempt++) {
      try {
        const config = await this.api.config(this.key);
        this.store.update({
          config,
          preview: config.preview || 'previewKey' in this.key,
          appearance: { ...DEFAULT_APPEARANCE, ...config.appearance, ...this.overrides },
        });
        const firstVisit = this.storage.get('visited') === null;
        this.storage.set('visited', '1');
        await this.openSession(this.storage.get('visitor'));
        this.store.update({ phase: 'ready' });
        this.events.emit('ready', {
          botKey: config.botKey,
          conversationId: this.feed.conversationId,
        });
        this.automate(config, firstVisit);
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.retryable && attempt < 6) {
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 2)));
          continue;
        }
        console.error('[parley] the chat could not start:', error);
        this.store.update({ phase: 'failed' });
        return false;
      }
    }
  }

  /** The widget's own initiative on this page: open on load, web triggers, pop-ups. */
  private automate(config: WidgetConfig, firstVisit: boolean): void {
    this.cancelAutomation();
    const { appearance, preview } = this.state;
    this.cancelAutomation = schedule(config, appearance, firstVisit, {
      trigger: () => {
        this.open();
        void this.start();
      },
      showPopup: (popup) => {
        this.showPopup(popup);
      },
    });
    if (appearance.openOnLoad || preview) this.open();
  }

  /** Opens (or resumes) the visitor's session; a refused token yields a new visitor. */
  async openSession(token: string | null): Promise<void> {
    this.adopt(await this.api.session(this.key, token, location.href));
  }

  /** The visitor token was refused: forget it and continue as a new visitor. */
  renew(): Promise<void> {
    // The socket and a request can both be refused at once: open one new session, not two.
    this.renewing ??= (async () => {
      this.storage.remove('visitor');
      this.api.token = null;
      try {
        await this.openSession(null);
      } catch (error) {
        console.error('[parley] could not open a new session:', error);
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }

  private adopt(session: WidgetSession): void {
    this.api.token = session.visitor_token;
    this.storage.set('visitor', session.visitor_token);
    this.feed.reset(session);
  }

  /** Switches to another bot's session (`Parley.startBot`), then opens and starts it. */
  async switchBot(botKey: string): Promise<void> {
    this.cancelAutomation();
    this.feed.stop();
    this.key = { botKey };
    this.storage = openStorage(this.options.storage, storageScope(this.key));
    this.api.token = null;
    this.store.update({ messages: [], open: false });
    if (!(await this.boot())) return;
    this.open();
    await this.start();
  }

  open(): void {
    if (!this.state.open) {
      this.store.update({ open: true, unread: 0, popups: [] });
      this.events.emit('open', null);
    }
    if (!this.state.messages.some((m) => !isPending(m))) void this.start();
    this.feed.markRead();
  }

  close(): void {
    if (!this.state.open) return;
    this.store.update({ open: false });
    this.events.emit('close', null);
  }

  toggle(): void {
    if (this.state.open) this.close();
    else this.open();
  }

  /** Starts the bot (`POST /start`); the server returns the open conversation if any. */
  start(): Promise<void> {
    this.starting ??= this.guard(this.api.start(location.href))
      .then((started: WidgetStart) => {
        this.feed.conversationId = started.conversation_id;
        this.feed.receive(started.messages);
      })
      .catch((error: unknown) => {
        console.error('[parley] could not start the conversation:', error);
      })
      .finally(() => {
        this.starting = null;
      });
    return this.starting;
  }

  /** Shows the visitor's message at once, then delivers it. */
  send(content: MessageContent): void {
    const clientId = newClientId();
    this.feed.add(optimisticMessage(clientId, content));
    this.feed.visitorSent();
    void this.deliver(clientId, content);
  }

  /** Sends a failed message again, with its original client id. */
  retry(message: WidgetMessage): void {
    if (!isPending(message) || message.clientId === null) {
      this.send(message.content);
      return;
    }
    const { clientId } = message;
    this.store.update({ messages: setPendingStatus(this.state.messages, clientId, 'queued') });
    void this.deliver(clientId, message.content);
  }

  private async deliver(clientId: string, content: MessageContent): Promise<void> {
    try {
      this.feed.receive([await this.guard(deliver(this.api, clientId, content))]);
    } catch {
      this.store.update({ messages: setPendingStatus(this.state.messages, clientId, 'failed') });
    }
  }

  async upload(file: File, onProgress: (fraction: number) => void): Promise<void> {
    const limit = this.state.config?.maxUploadBytes ?? Infinity;
    if (file.size > limit) {
      throw new Error(`This file is too large (the limit is ${formatBytes(limit)}).`);
    }
    const { media, kind } = await this.guard(this.api.upload(file, onProgress));
    this.send({ type: 'media', kind, media });
  }

  async identify(input: IdentifyInput): Promise<WidgetContact> {
    const answer = await this.guard(this.api.identify(input));
    if (answer.visitor_token !== this.api.token) {
      // Identified as a contact who already has a token: continue their conversation.
      await this.openSession(answer.visitor_token);
    }
    return answer.contact;
  }

  setVariables(variables: Variables): Promise<void> {
    return this.guard(this.api.setVariables(variables));
  }

  /** A fresh conversation (the preview page's restart button). */
  async restart(): Promise<void> {
    this.adopt(await this.guard(this.api.restart()));
    if (this.state.open) await this.start();
  }

  setAppearance(patch: Partial<WidgetAppearance>): void {
    this.overrides = { ...this.overrides, ...patch };
    const base = this.state.config?.appearance ?? DEFAULT_APPEARANCE;
    this.store.update({ appearance: { ...DEFAULT_APPEARANCE, ...base, ...this.overrides } });
  }

  showPopup(popup: { index: number; text: string }): void {
    if (this.state.open || this.state.popups.some((p) => p.index === popup.index)) return;
    this.store.update({ popups: [...this.state.popups, popup] });
  }

  dismissPopup(index: number): void {
    this.store.update({ popups: this.state.popups.filter((p) => p.index !== index) });
  }

  /** A refused token on any call means a new session; the caller still sees the error. */
  private async guard<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) void this.renew();
      throw error;
    }
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576
    ? `${Math.round(bytes / 1_048_576)} MB`
    : `${Math.round(bytes / 1024)} KB`;
}
