import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { awaitCall, callResultOf, stillWaiting, timeoutField } from './calls.js';
import { field, none, templateText, templateUse } from './common.js';

/**
 * Send WhatsApp / Send SMS: a message to *another* number (a sales rep, an on-call phone)
 * through one of the account's channels of that type, not to the contact in the chat.
 * WhatsApp outside the 24-hour window needs an approved template: give its name.
 */
export const notifyData = z.object({
  to: field(z.string().min(1).max(64), {
    label: 'To (phone number)',
    kind: 'template',
    help: 'E.164, e.g. +14155550123, or a variable such as `{{owner_phone}}`.',
  }),
  text: templateText('Message'),
  template: field(z.string().min(1).max(512), {
    label: 'WhatsApp template',
    kind: 'text',
    help: 'An approved template name, for numbers outside the 24-hour window.',
  }).optional(),
  timeoutMs: timeoutField(15_000),
});
export type NotifyData = z.infer<typeof notifyData>;

const E164 = /^\+[1-9]\d{6,14}$/;

function executor(channelType: 'whatsapp' | 'sms') {
  return (data: NotifyData, ctx: ExecContext): BlockResult => {
    const result = callResultOf(ctx);
    if (result !== null) {
      return result.ok
        ? { next: 'next' }
        : { next: 'failure', outcome: `failure: ${result.error}` };
    }
    if (ctx.resume !== null) return stillWaiting;
    const to = render(data.to, ctx.scope).replace(/[\s()-]/g, '');
    if (!E164.test(to))
      return { next: 'failure', outcome: `failure: "${to}" is not an E.164 number` };
    const text = render(data.text, ctx.scope);
    const content =
      channelType === 'whatsapp' && data.template !== undefined
        ? {
            type: 'template' as const,
            name: data.template,
            language: 'en',
            parameters: { header: [], body: [text], buttons: {} },
          }
        : { type: 'text' as const, text };
    return awaitCall(ctx, { kind: 'notify', channelType, to, content }, data.timeoutMs);
  };
}

function definition(
  type: string,
  label: string,
  channelType: 'whatsapp' | 'sms',
): BlockDefinition<NotifyData> {
  return {
    type,
    label,
    data: notifyData,
    waits: true,
    handles: () => ['next', 'failure'],
    reads: (data) => [templateUse(['to'], data.to), templateUse(['text'], data.text)],
    writes: none,
    targets: none,
    execute: executor(channelType),
  };
}

export const sendWhatsappBlock = definition('send_whatsapp', 'Send WhatsApp', 'whatsapp');
export const sendSmsBlock = definition('send_sms', 'Send SMS', 'sms');
