import type { WidgetAppearance } from '@parley/protocol';
import { sanitizeAppearance } from '../state/appearance.js';
import { isEventName, type WidgetEvents, type WidgetEventName } from '../state/emitter.js';
import type { WidgetContact } from '../transport/guards.js';
import { isRecord } from '../transport/guards.js';
import type { IdentifyInput, Variables } from '../transport/api.js';
import type { Widget } from '../state/widget.js';

/** `window.Parley`: what the host page can do with the widget. */
export interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  setVariables(variables: Variables): Promise<void>;
  identify(input: IdentifyInput): Promise<WidgetContact>;
  startBot(botKey: string): Promise<void>;
  restart(): Promise<void>;
  setAppearance(patch: Partial<WidgetAppearance>): void;
  on<E extends WidgetEventName>(event: E, listener: (detail: WidgetEvents[E]) => void): () => void;
}

/**
 * Builds the API. Calls made before the session is ready wait in a queue and run in order
 * once it is; the ones that talk to the server return promises that settle when they ran.
 */
export function createApi(widget: Widget): { api: ParleyApi; ready: () => void } {
  let queue: (() => void)[] | null = [];
  const later = (run: () => void): void => {
    if (queue === null) run();
    else queue.push(run);
  };
  const laterAsync = <T>(run: () => Promise<T>): Promise<T> =>
    new Promise((resolve, reject) => {
      later(() => {
        run().then(resolve, reject);
      });
    });

  const api: ParleyApi = {
    open: () => {
      later(() => {
        widget.open();
      });
    },
    close: () => {
      later(() => {
        widget.close();
      });
    },
    toggle: () => {
      later(() => {
        widget.toggle();
      });
    },
    setVariables: (variables) =>
      isRecord(variables)
        ? laterAsync(() => widget.setVariables(variablesOf(variables)))
        : Promise.reject(new TypeError('Parley.setVariables expects an object')),
    identify: (input) =>
      isRecord(input)
        ? laterAsync(() => widget.identify(input))
        : Promise.reject(new TypeError('Parley.identify expects an object')),
    startBot: (botKey) =>
      typeof botKey === 'string' && botKey !== ''
        ? laterAsync(() => widget.switchBot(botKey))
        : Promise.reject(new TypeError('Parley.startBot expects a bot key')),
    restart: () => laterAsync(() => widget.restart()),
    setAppearance: (patch) => {
      // Not queued: the builder's live preview changes colours before the session is up.
      widget.setAppearance(sanitizeAppearance(patch));
    },
    on: (event, listener) => {
      if (!isEventName(event) || typeof listener !== 'function') return () => undefined;
      return widget.events.on(event, listener);
    },
  };

  return {
    api,
    ready: () => {
      const pending = queue ?? [];
      queue = null;
      for (const run of pending) run();
    },
  };
}

/** The stub's `q`: the stub may be an object or the function form `Parley(...)` that queues. */
function queuedCalls(stub: unknown): unknown[] {
  if ((typeof stub !== 'object' && typeof stub !== 'function') || stub === null) return [];
  if (!('q' in stub) || !Array.isArray(stub.q)) return [];
  return stub.q;
}

function isCallable(value: unknown): value is (detail: unknown) => void {
  return typeof value === 'function';
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return typeof value === 'object' && value !== null && 'length' in value;
}

/**
 * Replays the calls a page queued before the script loaded, from the usual stub
 * `window.Parley = { q: [['open'], ['identify', {...}]] }` (or `arguments` objects).
 */
export function replayQueue(api: ParleyApi, stub: unknown): void {
  for (const entry of queuedCalls(stub)) {
    if (!isArrayLike(entry)) continue;
    const [method, ...args] = Array.from(entry);
    try {
      call(api, method, args);
    } catch (error) {
      console.error('[parley] a queued call failed:', error);
    }
  }
}

/** Calls `api[method](...args)` for a method name and arguments of unknown type. */
function call(api: ParleyApi, method: unknown, args: unknown[]): void {
  const [first, second] = args;
  const swallow = (promise: Promise<unknown>): void => {
    promise.catch((error: unknown) => {
      console.error(`[parley] Parley.${String(method)} failed:`, error);
    });
  };
  switch (method) {
    case 'open':
    case 'close':
    case 'toggle':
      api[method]();
      return;
    case 'setAppearance':
      api.setAppearance(sanitizeAppearance(first));
      return;
    case 'setVariables':
      if (isRecord(first)) swallow(api.setVariables(variablesOf(first)));
      return;
    case 'identify':
      if (isRecord(first)) swallow(api.identify(first));
      return;
    case 'startBot':
      if (typeof first === 'string') swallow(api.startBot(first));
      return;
    case 'restart':
      swallow(api.restart());
      return;
    case 'on':
      if (isEventName(first) && isCallable(second)) api.on(first, second);
      return;
    default:
      console.warn(`[parley] unknown queued call ${String(method)}`);
  }
}

/** The entries of `record` a variable can hold (strings, numbers, booleans, null). */
export function variablesOf(record: Record<string, unknown>): Variables {
  const out: Variables = {};
  for (const [key, value] of Object.entries(record)) {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      out[key] = value;
    }
  }
  return out;
}
