import { z } from 'zod';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { ChannelRow } from '../../storage/schema-conversations.js';
import { signWebhook } from '../webhooks/webhook-signature.js';
import {
  ChannelSendError,
  type ChannelSender,
  type OutboundMessage,
  type SendResult,
} from './channel-sender.js';

const apiConfig = z.object({ url: z.url() });

/**
 * The plain API channel: each outbound message is POSTed to the integrator's URL, signed
 * with the channel secret exactly like event webhooks (`X-Parley-Signature` over
 * `"<timestamp>.<body>"`). `X-Parley-Delivery` is the message id on every retry, so the
 * receiver can drop a repeat. A 2xx is "sent"; 4xx (but 408/429) cannot succeed on retry.
 */
export class ApiChannelSender implements ChannelSender {
  readonly provider = 'api';

  constructor(
    private readonly http: GuardedHttpClient,
    private readonly secretOf: (channel: ChannelRow) => string,
  ) {}

  async send(channel: ChannelRow, message: OutboundMessage): Promise<SendResult> {
    const config = apiConfig.safeParse(JSON.parse(channel.config));
    if (!config.success)
      throw new ChannelSendError('The API channel has no valid "url" in its config.', false);
    const body = JSON.stringify({
      type: 'message',
      message: {
        id: message.id,
        conversation_id: message.conversationId,
        content: message.content,
      },
      recipient: {
        id: message.recipient.externalId,
        name: message.recipient.name,
        phone: message.recipient.phone,
        email: message.recipient.email,
      },
    });
    const timestamp = Math.floor(Date.now() / 1_000);
    let response;
    try {
      response = await this.http.fetch(config.data.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-parley-delivery': message.id,
          'x-parley-timestamp': String(timestamp),
          'x-parley-signature': signWebhook(this.secretOf(channel), timestamp, body),
        },
        body,
      });
    } catch (error) {
      throw new ChannelSendError(
        `The API channel URL could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
    }
    if (response.status >= 200 && response.status < 300) {
      const answer = z
        .object({ id: z.string().min(1).max(256) })
        .safeParse(safeJson(response.text()));
      return { providerMessageId: answer.success ? answer.data.id : message.id };
    }
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new ChannelSendError(`The API channel URL answered ${response.status}`, retryable);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
