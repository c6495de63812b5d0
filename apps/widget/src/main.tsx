import { render } from 'preact';
import { actionRunner } from './api/actions.js';
import { createApi, replayQueue } from './api/public-api.js';
import { findOwnScript, readOptions } from './options.js';
import { renderStyles } from './render/styles.js';
import { Widget } from './state/widget.js';
import { WidgetApi } from './transport/api.js';
import { App } from './ui/app.js';
import { widgetStyles } from './ui/styles.js';

/**
 * The loader, run in the host page: reads the `<script>` tag's settings, puts the widget in
 * a shadow root (so the page's CSS and the widget's cannot touch each other) and exposes
 * `window.Parley`, the only global it adds.
 */

declare global {
  interface Window {
    Parley?: unknown;
  }
}

const HOST_ID = 'parley-widget';

function mount(): void {
  // currentScript is only set while this file runs synchronously: read it first.
  const options = readOptions(findOwnScript());
  if (options === null) {
    console.error('[parley] widget.js needs a data-bot-key (or data-preview-key) attribute');
    return;
  }
  if (document.getElementById(HOST_ID) !== null) {
    console.warn('[parley] the chat widget is already on this page');
    return;
  }

  let runAction: ReturnType<typeof actionRunner> = () => undefined;
  const widget = new Widget(options, new WidgetApi(options.apiBase), (action) => {
    runAction(action);
  });
  const { api, ready } = createApi(widget);
  runAction = actionRunner(api);
  const stub = window.Parley;
  window.Parley = api;
  replayQueue(api, stub);

  const attach = (): void => {
    const host = document.createElement('div');
    host.id = HOST_ID;
    document.body.appendChild(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = widgetStyles + renderStyles;
    const root = document.createElement('div');
    shadow.append(style, root);
    render(<App widget={widget} />, root);
    void widget.boot().then((ok) => {
      if (ok) ready();
    });
  };
  // A script in <head> runs before <body> exists.
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', attach, { once: true });
  } else {
    attach();
  }
}

mount();
