import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import {
  ChannelSendError,
  type ChannelSender,
  type OutboundMessage,
  type SendResult,
} from './channel-sender.js';

/** How a sandbox channel behaves, set in its config (`sandbox` key) through the native API. */
export const sandboxBehaviour = z.object({
  /** Fail every send: 'retryable' (the queue retries) or 'permanent' (failed at once). */
  fail: z.enum(['retryable', 'permanent']).nullable().default(null),
  /** Report "delivered" this long after the send; null: never. */
  deliverAfterMs: z.number().int().min(0).max(86_400_000).nullable().default(50),
  /** Report "read" this long after delivery; null: never. */
  readAfterMs: z.number().int().min(0).max(86_400_000).nullable().default(null),
});
export type SandboxBehaviour = z.infer<typeof sandboxBehaviour>;

export interface SandboxSend {
  readonly channelId: number;
  readonly providerMessageId: string;
  readonly message: OutboundMessage;
  readonly at: number;
}

/**
 * A channel that delivers nowhere: it records what it "sent" (per process, for tests and
 * demos) and, like a real provider, reports delivery statuses afterwards. It stands in for
 * any channel type (WHATSAPP, SMS, …) until that provider's adapter exists.
 */
export class SandboxSender implements ChannelSender {
  readonly provider = 'sandbox';
  readonly #sent: SandboxSend[] = [];
  /** Provider ids already issued per Parley message: a retried send is not sent twice. */
  readonly #byMessage = new Map<string, string>();

  send(channel: ChannelRow, message: OutboundMessage): Promise<SendResult> {
    const behaviour = readBehaviour(channel);
    if (behaviour.fail !== null) {
      return Promise.reject(
        new ChannelSendError(
          `sandbox told to fail (${behaviour.fail})`,
          behaviour.fail === 'retryable',
        ),
      );
    }
    const existing = this.#byMessage.get(message.id);
    if (existing !== undefined) return Promise.resolve({ providerMessageId: existing });
    const providerMessageId = `sandbox.${randomUUID()}`;
    this.#byMessage.set(message.id, providerMessageId);
    this.#sent.push({ channelId: channel.id, providerMessageId, message, at: Date.now() });
    return Promise.resolve({ providerMessageId });
  }

  sent(channelId: number): readonly SandboxSend[] {
    return this.#sent.filter((send) => send.channelId === channelId);
  }
}

export function readBehaviour(channel: ChannelRow): SandboxBehaviour {
  const config = z
    .object({ sandbox: z.unknown() })
    .partial()
    .catch({})
    .parse(JSON.parse(channel.config));
  return sandboxBehaviour.parse(config.sandbox ?? {});
}
