import type { DeliveryStatus, WidgetMessage } from '@parley/protocol';

/**
 * The conversation as the visitor sees it. Messages arrive from several places that overlap
 * (the session, `start`, socket frames, polls, the answer to a send, retries): merging by
 * `id`, and by `clientId` for the visitor's own optimistic copies, shows each exactly once.
 */

/** The `seq` of a message the server has not stored yet: sorts after every stored one. */
export const PENDING_SEQ = Number.POSITIVE_INFINITY;

const RANK: Record<DeliveryStatus, number> = {
  failed: -1,
  queued: 0,
  received: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

/** Statuses only move forward: a late "sent" must not undo a "read". */
function laterStatus(a: DeliveryStatus, b: DeliveryStatus): DeliveryStatus {
  if (b === 'failed') return b;
  return RANK[b] >= RANK[a] ? b : a;
}

export function isPending(message: WidgetMessage): boolean {
  return message.seq === PENDING_SEQ;
}

function order(a: WidgetMessage, b: WidgetMessage): number {
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return a.createdAt - b.createdAt;
}

/** `list` with `incoming` merged in, in `seq` order. `list` is not changed. */
export function mergeMessages(
  list: readonly WidgetMessage[],
  incoming: readonly WidgetMessage[],
): WidgetMessage[] {
  const next = [...list];
  for (const message of incoming) {
    const index = next.findIndex(
      (m) => m.id === message.id || (message.clientId !== null && m.clientId === message.clientId),
    );
    const existing = next[index];
    if (existing === undefined) {
      next.push(message);
    } else if (isPending(message) && !isPending(existing)) {
      // A stale optimistic copy (a retry racing the echo) never replaces the stored message.
      continue;
    } else {
      const status = isPending(existing)
        ? message.status
        : laterStatus(existing.status, message.status);
      next[index] = { ...message, status };
    }
  }
  return next.sort(order);
}

export function setStatus(
  list: readonly WidgetMessage[],
  id: string,
  status: DeliveryStatus,
): WidgetMessage[] {
  return list.map((m) =>
    m.id === id && m.status !== laterStatus(m.status, status)
      ? { ...m, status: laterStatus(m.status, status) }
      : m,
  );
}

/** Replaces a pending message's status outright (failed ↔ queued on a retry). */
export function setPendingStatus(
  list: readonly WidgetMessage[],
  clientId: string,
  status: DeliveryStatus,
): WidgetMessage[] {
  return list.map((m) => (isPending(m) && m.clientId === clientId ? { ...m, status } : m));
}

/** The largest stored `seq`, or `floor` when there is none larger. */
export function maxSeq(list: readonly WidgetMessage[], floor = 0): number {
  let max = floor;
  for (const m of list) if (!isPending(m) && m.seq > max) max = m.seq;
  return max;
}
