import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { JobDefinition } from '../jobs/queue.js';

const mailPayload = z.object({
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
});

/**
 * `mail.send`: one e-mail through the configured SMTP server. The message id is derived
 * from the job id, so an SMTP server that saw a retry can recognise the duplicate.
 */
export function mailSendJob(
  smtp: { url: string | undefined; from: string },
  publicUrl: string,
): JobDefinition<'mail.send'> {
  const transport = smtp.url === undefined ? undefined : nodemailer.createTransport(smtp.url);
  const host = new URL(publicUrl).hostname;
  return {
    name: 'mail.send',
    payload: mailPayload,
    async handle(mail, job) {
      if (transport === undefined) throw new Error('SMTP_URL is not configured');
      await transport.sendMail({
        from: smtp.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<job-${job.id}@${host}>`,
      });
    },
  };
}
