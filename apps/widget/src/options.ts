import type { WidgetKey } from './transport/api.js';
import type { TransportMode } from './transport/live.js';
import type { StorageKind } from './storage.js';

/** What the embedding `<script>` tag says about this widget. */
export interface WidgetOptions {
  readonly key: WidgetKey;
  /** The server's origin (and path prefix, if any), without a trailing slash. */
  readonly apiBase: string;
  readonly storage: StorageKind;
  readonly transport: TransportMode;
}

/** The `<script>` that loaded the widget: currentScript while it runs, else found by src. */
export function findOwnScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  const scripts = Array.from(document.getElementsByTagName('script'));
  for (let i = scripts.length - 1; i >= 0; i--) {
    const script = scripts[i];
    if (script !== undefined && /\/widget\.js(?:[?#].*)?$/.test(script.src)) return script;
  }
  return null;
}

export function readOptions(script: HTMLScriptElement | null): WidgetOptions | null {
  const data = script?.dataset ?? {};
  const previewKey = data.previewKey;
  const botKey = data.botKey;
  let key: WidgetKey;
  if (previewKey !== undefined && previewKey !== '') key = { previewKey };
  else if (botKey !== undefined && botKey !== '') key = { botKey };
  else return null;
  const origin = script?.src ? new URL(script.src, location.href).origin : location.origin;
  return {
    key,
    apiBase: (data.apiBase ?? origin).replace(/\/+$/, ''),
    storage: data.storage === 'cookie' ? 'cookie' : 'local',
    transport: data.transport === 'polling' ? 'polling' : 'auto',
  };
}

/** The storage scope of a widget: its bot key, or `preview:<key>`. */
export function storageScope(key: WidgetKey): string {
  return 'botKey' in key ? key.botKey : `preview:${key.previewKey}`;
}
