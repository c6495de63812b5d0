import { useMemo, useRef } from 'preact/hooks';
import type { MessageActions } from '../render/contract.js';
import type { Widget } from '../state/widget.js';
import { Launcher } from './launcher.js';
import { Panel } from './panel.js';
import { Popups } from './popups.js';
import { useWidgetState } from './use-widget.js';

/** Links a visitor may open from a message: web pages, mail and phone, never `javascript:`. */
const SAFE_URL = /^(?:https?:|mailto:|tel:)/i;

/** The widget's whole UI inside the shadow root. */
export function App({ widget }: { readonly widget: Widget }) {
  const state = useWidgetState(widget);
  const launcherRef = useRef<HTMLButtonElement>(null);

  const actions = useMemo<MessageActions>(
    () => ({
      send: (content) => {
        widget.send(content);
      },
      upload: (file, onProgress) => widget.upload(file, onProgress),
      openUrl: (url) => {
        if (SAFE_URL.test(url)) window.open(url, '_blank', 'noopener,noreferrer');
      },
    }),
    [widget],
  );

  if (state.phase !== 'ready') return null;
  const { appearance, open } = state;

  /** Closing from inside the chat hands focus back to the launcher. */
  const closeFromPanel = (): void => {
    widget.close();
    launcherRef.current?.focus();
  };

  return (
    <div
      class={`pw${appearance.position === 'left' ? ' pw-left' : ''}${open ? ' pw-open' : ''}`}
      style={{
        '--parley-primary': appearance.primaryColor,
        '--parley-on-primary': appearance.textColor,
      }}
    >
      {appearance.customCss === '' ? null : <style>{appearance.customCss}</style>}
      {open ? (
        <Panel
          state={state}
          actions={actions}
          onClose={closeFromPanel}
          onRetry={(message) => {
            widget.retry(message);
          }}
          onTyping={() => {
            widget.feed.visitorTyping();
          }}
        />
      ) : (
        <Popups
          popups={state.popups}
          onOpen={() => {
            widget.open();
          }}
          onDismiss={(index) => {
            widget.dismissPopup(index);
          }}
        />
      )}
      <Launcher
        open={open}
        unread={state.unread}
        appearance={appearance}
        onToggle={() => {
          widget.toggle();
        }}
        buttonRef={launcherRef}
      />
    </div>
  );
}
