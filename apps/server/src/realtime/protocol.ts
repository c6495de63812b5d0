import { z } from 'zod';

/**
 * The agent realtime protocol (`GET /api/native/realtime`, WebSocket, JSON text frames).
 *
 * Client → server: `auth` (when the token is not in the URL), `resume` (replay from a
 * cursor, at any time), `ping` (an application-level ping for clients that cannot see
 * protocol pings). Server → client: `ready` once authenticated, `event` per conversation
 * event, `pong`, `error` for a message it cannot act on.
 */

/** Close codes: 4xxx are the application's, 1001 is the standard "going away". */
export const CLOSE_CODES = {
  /** Missing, wrong or revoked credentials, or no `auth` message in time: do not retry as is. */
  unauthorized: 4401,
  /** A malformed `since`: the client has a bug, reconnecting the same way will not help. */
  badRequest: 4400,
  /** The client read too slowly (or fell too far behind): reconnect and resume from the last id. */
  tooSlow: 4408,
  /** The user's role changed: reconnect (and resume) to get the new visibility. */
  accessChanged: 4409,
  /** The server is shutting down: reconnect (to another process) and resume. */
  goingAway: 1001,
  /** The server failed (e.g. the database did not answer): reconnect and resume. */
  internalError: 1011,
} as const;

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('auth'),
    token: z.string().min(1).max(4096),
    since: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal('resume'), since: z.number().int().min(0) }),
  z.object({ type: z.literal('ping') }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Parses a text frame from a client; undefined for anything that is not a known message. */
export function parseClientMessage(text: string): ClientMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = clientMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** What the URL may carry: the credential and the cursor to resume from. */
export const connectQuerySchema = z.object({
  token: z.string().min(1).max(4096).optional(),
  since: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .optional(),
});

export type ConnectQuery = z.infer<typeof connectQuerySchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), cursor: z.number() }),
  z.object({
    type: z.literal('event'),
    id: z.number(),
    event: z.string(),
    conversation_id: z.number().nullable(),
    data: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export type ServerMessage = z.infer<typeof serverMessageSchema>;

export function readyFrame(cursor: number): string {
  return JSON.stringify({ type: 'ready', cursor });
}

export function errorFrame(code: string, message: string): string {
  return JSON.stringify({ type: 'error', code, message });
}

export const PONG_FRAME = JSON.stringify({ type: 'pong' });
