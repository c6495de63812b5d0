import type { WidgetMessage } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { PENDING_SEQ, maxSeq, mergeMessages, setPendingStatus, setStatus } from './messages.js';

const message = (id: string, seq: number, extra: Partial<WidgetMessage> = {}): WidgetMessage => ({
  id,
  seq,
  direction: 'outbound',
  sender: { type: 'bot', name: null },
  content: { type: 'text', text: id },
  status: 'sent',
  createdAt: seq,
  clientId: null,
  ...extra,
});

const mine = (clientId: string, seq: number, id = `local:${clientId}`): WidgetMessage =>
  message(id, seq, {
    direction: 'inbound',
    sender: { type: 'contact', name: null },
    clientId,
    status: seq === PENDING_SEQ ? 'queued' : 'received',
  });

describe('mergeMessages', () => {
  it('orders by seq and shows a message delivered twice once', () => {
    const list = mergeMessages([message('b', 2)], [message('c', 3), message('a', 1)]);
    const again = mergeMessages(list, [message('b', 2), message('c', 3)]);
    expect(again.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('replaces the optimistic copy with the stored message by client id', () => {
    const list = mergeMessages([message('a', 1)], [mine('x', PENDING_SEQ)]);
    expect(list.map((m) => m.id)).toEqual(['a', 'local:x']);
    const stored = mergeMessages(list, [mine('x', 2, 'm2'), message('b', 3)]);
    expect(stored.map((m) => m.id)).toEqual(['a', 'm2', 'b']);
    // A late optimistic copy (a retry racing the echo) does not come back.
    expect(mergeMessages(stored, [mine('x', PENDING_SEQ)]).map((m) => m.id)).toEqual([
      'a',
      'm2',
      'b',
    ]);
  });

  it('keeps pending messages after the stored ones', () => {
    const list = mergeMessages([mine('x', PENDING_SEQ)], [message('a', 5)]);
    expect(list.map((m) => m.id)).toEqual(['a', 'local:x']);
    expect(maxSeq(list)).toBe(5);
  });

  it('never moves a status backwards, except to failed', () => {
    const read = setStatus([mine('x', 2, 'm2')], 'm2', 'read');
    expect(setStatus(read, 'm2', 'sent')[0]?.status).toBe('read');
    expect(mergeMessages(read, [mine('x', 2, 'm2')])[0]?.status).toBe('read');
    expect(setStatus(read, 'm2', 'failed')[0]?.status).toBe('failed');
    const pending = setPendingStatus([mine('y', PENDING_SEQ)], 'y', 'failed');
    expect(pending[0]?.status).toBe('failed');
  });
});
