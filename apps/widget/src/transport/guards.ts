import type {
  DeliveryStatus,
  WidgetAction,
  WidgetConfig,
  WidgetMessage,
  WidgetServerFrame,
  WidgetSession,
} from '@parley/protocol';

/**
 * Shape checks for what the server sends. The server validates with the protocol's zod
 * schemas before answering; zod itself is too heavy for the bundle, so these checks only
 * confirm the fields the widget relies on, enough to reject a proxy's HTML error page or a
 * version mismatch instead of crashing on it.
 */

export type Guard<T> = (value: unknown) => value is T;

export type WidgetContact = WidgetSession['contact'];

export interface WidgetPoll {
  messages: WidgetMessage[];
  statuses: { id: string; status: DeliveryStatus }[];
  actions: WidgetAction[];
  cursor: number;
}

export interface WidgetUpload {
  media: { url: string; mediaId: string; mime: string; size: number; filename: string };
  kind: 'image' | 'video' | 'audio' | 'document';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';
const arrayOf =
  <T>(guard: Guard<T>): Guard<T[]> =>
  (value): value is T[] =>
    Array.isArray(value) && value.every(guard);

const STATUSES: readonly string[] = ['received', 'queued', 'sent', 'delivered', 'read', 'failed'];

export function isStatus(value: unknown): value is DeliveryStatus {
  return isString(value) && STATUSES.includes(value);
}

export function isMessage(value: unknown): value is WidgetMessage {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isNumber(value.seq) &&
    isRecord(value.sender) &&
    isString(value.sender.type) &&
    isRecord(value.content) &&
    isString(value.content.type) &&
    isStatus(value.status) &&
    isNumber(value.createdAt)
  );
}

export function isAction(value: unknown): value is WidgetAction {
  return (
    isRecord(value) && isString(value.id) && value.type === 'javascript' && isString(value.code)
  );
}

export function isConfig(value: unknown): value is WidgetConfig {
  return (
    isRecord(value) &&
    isString(value.botKey) &&
    isRecord(value.appearance) &&
    Array.isArray(value.triggers) &&
    isNumber(value.maxUploadBytes)
  );
}

function isContact(value: unknown): value is WidgetContact {
  return isRecord(value) && typeof value.verified === 'boolean';
}

/** `POST /start` answers a session without the token and contact. */
export type WidgetStart = Pick<WidgetSession, 'conversation_id' | 'messages' | 'cursor'>;

export function isStart(value: unknown): value is WidgetStart {
  return isRecord(value) && arrayOf(isMessage)(value.messages) && isNumber(value.cursor);
}

export function isSession(value: unknown): value is WidgetSession {
  return (
    isRecord(value) && isString(value.visitor_token) && isContact(value.contact) && isStart(value)
  );
}

export function isSent(value: unknown): value is { message: WidgetMessage } {
  return isRecord(value) && isMessage(value.message);
}

export function isIdentified(value: unknown): value is {
  contact: WidgetContact;
  visitor_token: string;
} {
  return isRecord(value) && isContact(value.contact) && isString(value.visitor_token);
}

export function isPoll(value: unknown): value is WidgetPoll {
  return (
    isRecord(value) &&
    arrayOf(isMessage)(value.messages) &&
    arrayOf(
      (s): s is WidgetPoll['statuses'][number] =>
        isRecord(s) && isString(s.id) && isStatus(s.status),
    )(value.statuses) &&
    arrayOf(isAction)(value.actions) &&
    isNumber(value.cursor)
  );
}

export function isUpload(value: unknown): value is WidgetUpload {
  return (
    isRecord(value) && isRecord(value.media) && isString(value.media.url) && isString(value.kind)
  );
}

export function isServerFrame(value: unknown): value is WidgetServerFrame {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
      return isNumber(value.cursor);
    case 'message':
      return isMessage(value.message);
    case 'status':
      return isString(value.id) && isStatus(value.status);
    case 'typing':
      return typeof value.on === 'boolean';
    case 'action':
      return isAction(value.action);
    case 'pong':
      return true;
    case 'error':
      return isString(value.code);
    default:
      return false;
  }
}

/** Any value is accepted: for endpoints whose answer the widget does not read. */
export const isAnything: Guard<unknown> = (_value): _value is unknown => true;
