import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { awaitCall, callResultOf, stillWaiting, timeoutField } from './calls.js';
import { field, none, templateText, templateUse } from './common.js';

export const sendEmailData = z.object({
  to: field(z.string().min(1).max(1_024), {
    label: 'To',
    kind: 'template',
    help: 'One or more addresses separated by commas, e.g. `{{contact.email}}, sales@example.com`.',
  }),
  subject: field(z.string().min(1).max(256), { label: 'Subject', kind: 'template' }),
  body: templateText('Body'),
  replyTo: field(z.string().max(256), { label: 'Reply-To', kind: 'template' }).optional(),
  timeoutMs: timeoutField(15_000),
});
export type SendEmailData = z.infer<typeof sendEmailData>;

const email = z.email();

function execute(data: SendEmailData, ctx: ExecContext): BlockResult {
  const result = callResultOf(ctx);
  if (result !== null) {
    return result.ok ? { next: 'next' } : { next: 'failure', outcome: `failure: ${result.error}` };
  }
  if (ctx.resume !== null) return stillWaiting;
  const to = render(data.to, ctx.scope)
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  const invalid = to.filter((address) => !email.safeParse(address).success);
  if (to.length === 0 || invalid.length > 0) {
    return {
      next: 'failure',
      outcome: `failure: invalid recipient ${invalid.join(', ') || '(none)'}`,
    };
  }
  const replyTo = data.replyTo === undefined ? '' : render(data.replyTo, ctx.scope).trim();
  const call = {
    kind: 'email' as const,
    to,
    subject: render(data.subject, ctx.scope),
    text: render(data.body, ctx.scope),
    ...(replyTo === '' ? {} : { replyTo }),
  };
  return awaitCall(ctx, call, data.timeoutMs);
}

export const sendEmailBlock: BlockDefinition<SendEmailData> = {
  type: 'send_email',
  label: 'Send an email',
  data: sendEmailData,
  waits: true,
  handles: () => ['next', 'failure'],
  reads: (data) => [
    templateUse(['to'], data.to),
    templateUse(['subject'], data.subject),
    templateUse(['body'], data.body),
    ...(data.replyTo === undefined ? [] : [templateUse(['replyTo'], data.replyTo)]),
  ],
  writes: none,
  targets: none,
  execute,
};
