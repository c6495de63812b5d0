import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import type { InboxPosition } from '../../storage/repositories/inbox-conversations-repository.js';

/**
 * The inbox list's cursor: the last row's (last_message_at, id) as base64url JSON. Opaque
 * to clients, so its shape may change; it carries no filter, the client repeats those.
 */
const cursorSchema = z.object({
  t: z.number().int().min(0),
  i: z.number().int().positive(),
});

export function encodeInboxCursor(position: InboxPosition): string {
  return Buffer.from(JSON.stringify({ t: position.lastMessageAt, i: position.id })).toString(
    'base64url',
  );
}

export function decodeInboxCursor(cursor: string): InboxPosition {
  const parsed = cursorSchema.safeParse(parseJson(Buffer.from(cursor, 'base64url').toString()));
  if (!parsed.success)
    throw new DomainError('BAD_REQUEST', {
      message: 'The cursor is not valid: pass next_cursor from a previous page as it is.',
    });
  return { lastMessageAt: parsed.data.t, id: parsed.data.i };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
