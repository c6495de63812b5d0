import type { MessageContent, WidgetMessage } from '@parley/protocol';
import type { WidgetApi } from '../transport/api.js';
import { ApiError } from '../transport/http.js';
import { PENDING_SEQ } from './messages.js';

const TRIES = 3;
const RETRY_BASE_MS = 1_000;

/** A random UUID; `crypto.randomUUID` exists only on https pages, and widgets run on http too. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The visitor's message as shown before the server has it. */
export function optimisticMessage(clientId: string, content: MessageContent): WidgetMessage {
  return {
    id: `local:${clientId}`,
    seq: PENDING_SEQ,
    direction: 'inbound',
    sender: { type: 'contact', name: null },
    content,
    status: 'queued',
    createdAt: Date.now(),
    clientId,
  };
}

const wait = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Posts a message, retrying what may not have arrived (no answer, a 5xx) with the same
 * client id, which the server stores once however often it is sent. A refusal (4xx) is final.
 */
export async function deliver(
  api: WidgetApi,
  clientId: string,
  content: MessageContent,
): Promise<WidgetMessage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.send(clientId, content);
    } catch (error) {
      if (!(error instanceof ApiError) || !error.retryable || attempt >= TRIES) throw error;
      await wait(RETRY_BASE_MS * 2 ** (attempt - 1));
    }
  }
}
