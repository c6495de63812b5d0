import type { ChannelRow } from '../storage/schema-conversations.js';
import type {
  ChannelSender,
  OutboundMessage,
  SendResult,
} from '../core/channels/channel-sender.js';

/**
 * The web widget's sender. A message to a visitor is already where the widget reads it
 * (the messages table, pushed live by WidgetHub from its `message.created` event), so
 * "sending" only marks it sent; the widget reports `read` itself (POST /widget/api/read).
 */
export class WebSender implements ChannelSender {
  readonly provider = 'web';

  send(_channel: ChannelRow, message: OutboundMessage): Promise<SendResult> {
    return Promise.resolve({ providerMessageId: message.id });
  }
}
