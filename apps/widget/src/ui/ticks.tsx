import type { WidgetMessage } from '@parley/protocol';
import { CheckIcon, ClockIcon, DoubleCheckIcon } from './icons.js';

interface TicksProps {
  readonly message: WidgetMessage;
  readonly onRetry: (message: WidgetMessage) => void;
}

/** Delivery state under the visitor's own message: clock, ✓, ✓✓, or a retry link. */
export function Ticks({ message, onRetry }: TicksProps) {
  switch (message.status) {
    case 'failed':
      return (
        <button
          type="button"
          class="pw-failed"
          onClick={() => {
            onRetry(message);
          }}
        >
          Not sent — retry
        </button>
      );
    case 'queued':
      return (
        <span class="pw-ticks" data-status="queued" title="Sending">
          <ClockIcon />
          <span class="pw-sr">Sending</span>
        </span>
      );
    case 'received':
    case 'sent':
      return (
        <span class="pw-ticks" data-status={message.status} title="Sent">
          <CheckIcon />
          <span class="pw-sr">Sent</span>
        </span>
      );
    case 'delivered':
    case 'read':
      return (
        <span
          class={message.status === 'read' ? 'pw-ticks pw-read' : 'pw-ticks'}
          data-status={message.status}
          title={message.status === 'read' ? 'Read' : 'Delivered'}
        >
          <DoubleCheckIcon />
          <span class="pw-sr">{message.status === 'read' ? 'Read' : 'Delivered'}</span>
        </span>
      );
  }
}
