import type { WidgetMessage } from '@parley/protocol';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageActions } from '../render/contract.js';
import type { WidgetState } from '../state/widget.js';
import { Composer } from './composer.js';
import { Header } from './header.js';
import { Log } from './log.js';

interface PanelProps {
  readonly state: WidgetState;
  readonly actions: MessageActions;
  readonly onClose: () => void;
  readonly onRetry: (message: WidgetMessage) => void;
  readonly onTyping: () => void;
}

/** Below this width the panel covers the screen, and opening it does not raise the keyboard. */
const PHONE_QUERY = '(max-width: 479px)';

/** The open chat: header, conversation and composer. Escape closes it. */
export function Panel({ state, actions, onClose, onRetry, onTyping }: PanelProps) {
  const panelRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // Move focus into the chat on open; on a phone the panel itself, so that the on-screen
    // keyboard does not cover the conversation before the visitor has read it.
    if (window.matchMedia(PHONE_QUERY).matches) panelRef.current?.focus();
    else inputRef.current?.focus();
  }, []);

  return (
    <div
      class="pw-panel"
      role="dialog"
      aria-labelledby="pw-title"
      data-testid="panel"
      tabIndex={-1}
      ref={panelRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <Header
        appearance={state.appearance}
        preview={state.preview}
        titleId="pw-title"
        onClose={onClose}
      />
      <Log
        messages={state.messages}
        typing={state.typing}
        appearance={state.appearance}
        actions={actions}
        onRetry={onRetry}
      />
      <Composer actions={actions} onTyping={onTyping} inputRef={inputRef} />
    </div>
  );
}
