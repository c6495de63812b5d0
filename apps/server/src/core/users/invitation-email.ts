import type { JobTypes } from '../../jobs/job-types.js';

export function invitationEmail(
  to: string,
  link: string,
  publicUrl: string,
): JobTypes['mail.send'] {
  const text = [
    'You have been invited to join a Parley workspace.',
    '',
    `Accept the invitation and choose your password: ${link}`,
    '',
    `The link works once and expires in 7 days. Parley: ${publicUrl}`,
  ].join('\n');
  const html = `<p>You have been invited to join a Parley workspace.</p><p><a href="${escapeHtml(link)}">Accept the invitation and choose your password</a></p><p>The link works once and expires in 7 days.</p>`;
  return { to, subject: 'You are invited to Parley', text, html };
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
