import type {
  DeliveryStatus,
  WidgetAction,
  WidgetMessage,
  WidgetServerFrame,
} from '@parley/protocol';
import type { WidgetHub } from './widget-hub.js';
import { visitorKey } from './widget-hub.js';

export interface PollResult {
  readonly messages: WidgetMessage[];
  readonly statuses: { id: string; status: DeliveryStatus }[];
  readonly actions: WidgetAction[];
  readonly cursor: number;
}

/**
 * The long-polling fallback for visitors whose network blocks WebSockets: answers at once
 * when messages after the cursor exist, else waits (bounded) for the hub to show anything
 * for this visitor, then reads the table again. Joining before the first read means a
 * message committed in between wakes the poll instead of slipping past it.
 */
export async function longPoll(
  hub: WidgetHub,
  target: { channelId: number; contactId: number },
  after: number,
  waitMs: number,
  read: (after: number) => Promise<WidgetMessage[]>,
  signal: AbortSignal,
): Promise<PollResult> {
  const statuses: PollResult['statuses'] = [];
  const actions: WidgetAction[] = [];
  let wake: (() => void) | undefined;
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const leave = hub.join(visitorKey(target.channelId, target.contactId), {
    deliver(frame: WidgetServerFrame) {
      if (frame.type === 'status') statuses.push({ id: frame.id, status: frame.status });
      else if (frame.type === 'action') actions.push(frame.action);
      else if (frame.type !== 'message') return;
      wake?.();
    },
  });
  try {
    let messages = await read(after);
    if (messages.length === 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      });
      const aborted = new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          resolve();
        });
      });
      await Promise.race([woken, timeout, aborted]);
      clearTimeout(timer);
      messages = await read(after);
    }
    return { messages, statuses, actions, cursor: messages.at(-1)?.seq ?? after };
  } finally {
    leave();
  }
}
