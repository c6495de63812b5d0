import type { WidgetAppearance, WidgetMessage } from '@parley/protocol';
import { useEffect, useRef } from 'preact/hooks';
import type { MessageActions } from '../render/contract.js';
import { MessageView } from '../render/message-view.js';
import { Ticks } from './ticks.js';

interface LogProps {
  readonly messages: readonly WidgetMessage[];
  readonly typing: boolean;
  readonly appearance: WidgetAppearance;
  readonly actions: MessageActions;
  readonly onRetry: (message: WidgetMessage) => void;
}

/** Within this many pixels of the bottom the log follows new messages. */
const STICKY_PX = 80;

/** The conversation, oldest first, kept scrolled to the latest unless the visitor scrolled up. */
export function Log({ messages, typing, appearance, actions, onRetry }: LogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const sticky = useRef(true);
  const last = messages[messages.length - 1];

  useEffect(() => {
    const log = ref.current;
    // The visitor's own message always scrolls into view; others only when following.
    if (log !== null && (sticky.current || last?.sender.type === 'contact')) {
      log.scrollTop = log.scrollHeight;
    }
  }, [messages.length, last?.id, typing]);

  return (
    <div
      class="pw-log"
      role="log"
      aria-live="polite"
      aria-label="Messages"
      data-testid="log"
      ref={ref}
      onScroll={() => {
        const log = ref.current;
        if (log !== null) {
          sticky.current = log.scrollHeight - log.scrollTop - log.clientHeight < STICKY_PX;
        }
      }}
    >
      {appearance.welcomeText === '' ? null : <p class="pw-welcome">{appearance.welcomeText}</p>}
      {messages.map((message) => {
        const mine = message.sender.type === 'contact';
        return (
          <div
            class={mine ? 'pw-row pw-mine' : 'pw-row'}
            key={message.clientId ?? message.id}
            data-testid="message"
          >
            <MessageView
              message={message}
              active={message === last}
              appearance={appearance}
              actions={actions}
            />
            {mine ? <Ticks message={message} onRetry={onRetry} /> : null}
          </div>
        );
      })}
      {typing ? (
        <div class="pw-typing" data-testid="typing" role="status" aria-label="Typing">
          <span />
          <span />
          <span />
        </div>
      ) : null}
    </div>
  );
}
