import type { MessageContent } from '@parley/protocol';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { plainText } from './plain-text.js';

/**
 * Canonical content as one Twilio message (SMS, MMS or WhatsApp through Twilio). SMS has
 * only text and media, so every interactive type becomes text with a numbered menu (see
 * plain-text.ts); the contact answers "2" or the title and the flow engine resolves that
 * to the button. WhatsApp through Twilio gets the same rendering: its native buttons need
 * pre-approved Content API templates, which is what `template` content is for.
 */

/** Twilio refuses longer bodies (error 21617): longer text is cut here, visibly. */
export const MAX_BODY = 1_600;

export interface TwilioMessage {
  readonly body: string;
  readonly mediaUrls: readonly string[];
  /** WhatsApp location pin: `geo:lat,long|label`. */
  readonly persistentAction?: string;
  /** A Content API template (WhatsApp templates are sent this way). */
  readonly contentSid?: string;
  /** Its variables, `{"1": "…", "2": "…"}`. */
  readonly contentVariables?: string;
}

const CONTENT_SID = /^HX[0-9a-f]{32}$/i;

function cut(text: string): string {
  return text.length <= MAX_BODY ? text : `${text.slice(0, MAX_BODY - 1)}…`;
}

export function renderTwilio(content: MessageContent, channelType: string): TwilioMessage {
  switch (content.type) {
    case 'media': {
      const { url } = content.media;
      if (url === undefined) {
        throw new ChannelSendError(
          'Twilio sends media by public URL: this medium has only an id (upload it somewhere public).',
          false,
        );
      }
      return { body: cut(content.caption ?? ''), mediaUrls: [url] };
    }
    case 'location': {
      const body = cut(plainText(content));
      if (channelType !== 'whatsapp') return { body, mediaUrls: [] };
      const label = content.name ?? content.address ?? '';
      const pin = `geo:${String(content.latitude)},${String(content.longitude)}`;
      return { body, mediaUrls: [], persistentAction: label === '' ? pin : `${pin}|${label}` };
    }
    case 'template': {
      if (!CONTENT_SID.test(content.name)) {
        throw new ChannelSendError(
          `Twilio sends templates by Content SID: "${content.name}" is not one (HX followed by 32 hex digits).`,
          false,
        );
      }
      const variables = Object.fromEntries(
        content.parameters.body.map((value, i) => [String(i + 1), value]),
      );
      return {
        body: '',
        mediaUrls: [],
        contentSid: content.name,
        contentVariables: JSON.stringify(variables),
      };
    }
    default:
      return { body: cut(plainText(content)), mediaUrls: [] };
  }
}

/** The Messages API form for one rendered message. */
export function messageForm(
  message: TwilioMessage,
  addressing: {
    readonly to: string;
    readonly from: string | null;
    readonly service: string | null;
  },
  statusCallback: string,
): URLSearchParams {
  const form = new URLSearchParams();
  form.set('To', addressing.to);
  if (addressing.service !== null) form.set('MessagingServiceSid', addressing.service);
  else if (addressing.from !== null) form.set('From', addressing.from);
  if (message.body !== '') form.set('Body', message.body);
  for (const url of message.mediaUrls) form.append('MediaUrl', url);
  if (message.persistentAction !== undefined)
    form.set('PersistentAction', message.persistentAction);
  if (message.contentSid !== undefined) form.set('ContentSid', message.contentSid);
  if (message.contentVariables !== undefined)
    form.set('ContentVariables', message.contentVariables);
  form.set('StatusCallback', statusCallback);
  return form;
}
