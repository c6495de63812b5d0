import { createHmac, randomBytes } from 'node:crypto';

/**
 * WhatsApp webhook bodies as Meta's Cloud API posts them (developers.facebook.com/docs/
 * whatsapp/cloud-api/webhooks/payload-examples), and their X-Hub-Signature-256.
 */

export const BUSINESS_NUMBER = '15550001111';
export const PHONE_NUMBER_ID = '106540352242922';
export const WABA_ID = '102290129340398';

export function wamid(): string {
  return `wamid.${randomBytes(18).toString('base64url')}`;
}

export interface ValueParts {
  readonly contacts?: readonly unknown[];
  readonly messages?: readonly unknown[];
  readonly statuses?: readonly unknown[];
}

/** The `whatsapp_business_account` envelope with one change for a phone number id. */
export function cloudEnvelope(parts: ValueParts, phoneNumberId = PHONE_NUMBER_ID) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: BUSINESS_NUMBER, phone_number_id: phoneNumberId },
              ...parts,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** A contact's message in its envelope, with the profile name Meta sends beside it. */
export function inboundMessage(
  from: string,
  message: Record<string, unknown>,
  options: { name?: string; id?: string; phoneNumberId?: string } = {},
) {
  return cloudEnvelope(
    {
      contacts: [{ profile: { name: options.name ?? 'Ada Lovelace' }, wa_id: from }],
      messages: [
        {
          from,
          id: options.id ?? wamid(),
          timestamp: String(Math.floor(Date.now() / 1_000)),
          ...message,
        },
      ],
    },
    options.phoneNumberId,
  );
}

export const text = (body: string) => ({ type: 'text', text: { body } });

export const buttonReply = (id: string, title: string) => ({
  type: 'interactive',
  interactive: { type: 'button_reply', button_reply: { id, title } },
});

export const listReply = (id: string, title: string, description?: string) => ({
  type: 'interactive',
  interactive: { type: 'list_reply', list_reply: { id, title, description } },
});

export const image = (id: string, caption?: string) => ({
  type: 'image',
  image: { caption, mime_type: 'image/jpeg', sha256: 'c2hh', id },
});

/** A delivery status for a message Parley sent; `failed` with Meta's error object. */
export function statusUpdate(
  id: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  recipient: string,
  error?: { code: number; title: string; details?: string },
) {
  return cloudEnvelope({
    statuses: [
      {
        id,
        status,
        timestamp: String(Math.floor(Date.now() / 1_000)),
        recipient_id: recipient,
        ...(status === 'read' || status === 'failed'
          ? {}
          : {
              conversation: { id: 'CONVERSATION_ID', origin: { type: 'service' } },
              pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
            }),
        ...(error === undefined
          ? {}
          : {
              errors: [
                {
                  code: error.code,
                  title: error.title,
                  message: error.title,
                  error_data: { details: error.details ?? error.title },
                },
              ],
            }),
      },
    ],
  });
}

/** Meta's signature of a raw body. */
export function hubSignature(appSecret: string, body: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Body and headers of a signed webhook POST. */
export function signed(appSecret: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': hubSignature(appSecret, body),
    },
  };
}
