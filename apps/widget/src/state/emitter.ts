import type { WidgetMessage } from '@parley/protocol';

/** The events of `Parley.on(...)`, with what each hands its listeners. */
export interface WidgetEvents {
  ready: { botKey: string; conversationId: string | null };
  message: WidgetMessage;
  open: null;
  close: null;
  handover: { name: string | null };
}

export type WidgetEventName = keyof WidgetEvents;

const NAMES: readonly string[] = ['ready', 'message', 'open', 'close', 'handover'];

export function isEventName(name: unknown): name is WidgetEventName {
  return typeof name === 'string' && NAMES.includes(name);
}

type Listeners = { [E in WidgetEventName]: Set<(detail: WidgetEvents[E]) => void> };

/**
 * Delivers widget events to `Parley.on` listeners and, as `parley:<event>` CustomEvents on
 * window, to analytics tags that never touch the API. A throwing listener is logged and
 * skipped: the page's code must not break the chat.
 */
export class Emitter {
  private readonly listeners: Listeners = {
    ready: new Set(),
    message: new Set(),
    open: new Set(),
    close: new Set(),
    handover: new Set(),
  };

  on<E extends WidgetEventName>(event: E, listener: (detail: WidgetEvents[E]) => void): () => void {
    const set: Set<(detail: WidgetEvents[E]) => void> = this.listeners[event];
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends WidgetEventName>(event: E, detail: WidgetEvents[E]): void {
    const set: Set<(detail: WidgetEvents[E]) => void> = this.listeners[event];
    for (const listener of set) {
      try {
        listener(detail);
      } catch (error) {
        console.error('[parley] an event listener failed', error);
      }
    }
    window.dispatchEvent(new CustomEvent(`parley:${event}`, { detail }));
  }
}
