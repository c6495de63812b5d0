import dns from 'node:dns/promises';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { isForbiddenAddress } from '../../security/guarded-fetch.js';

export type SmtpMailer = ReturnType<typeof nodemailer.createTransport>;

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * The SMTP transport for one send. The server's SMTP_URL is the operator's and trusted. A
 * channel's own `smtp_url` is a tenant's: its host is resolved here, refused when private
 * or loopback (as the guarded HTTP client does, unless PARLEY_ALLOW_PRIVATE_NETWORKS), and
 * the connection is pinned to the checked address, with TLS still verifying the host name.
 * Non-pooled transports hold no connection between sends, so nothing is cached.
 */
export async function smtpMailer(
  channelUrl: string | undefined,
  serverUrl: string | undefined,
  allowPrivateNetworks: boolean,
): Promise<SmtpMailer> {
  if (channelUrl === undefined || channelUrl === '') {
    if (serverUrl === undefined)
      throw new ChannelSendError('No SMTP server: set SMTP_URL or the smtp_url secret.', false);
    return nodemailer.createTransport(serverUrl, {});
  }
  let url: URL;
  try {
    url = new URL(channelUrl);
  } catch {
    throw new ChannelSendError('The smtp_url secret is not a URL.', false);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ChannelSendError('The smtp_url secret must be smtp:// or smtps://.', false);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  try {
    addresses = await dns.lookup(hostname, { all: true });
  } catch {
    throw new ChannelSendError(`The SMTP host ${hostname} could not be resolved.`, true);
  }
  const allowed = addresses.filter(
    ({ address }) => allowPrivateNetworks || !isForbiddenAddress(address),
  );
  const address = allowed[0]?.address;
  if (address === undefined)
    throw new ChannelSendError(`The SMTP host ${hostname} is a private address.`, false);
  const secure = url.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: address,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    ...(url.username === ''
      ? {}
      : {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }),
    tls: { servername: hostname },
    ...TIMEOUTS,
  });
}

const smtpErrorSchema = z.object({
  responseCode: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});

/**
 * An SMTP failure as a ChannelSendError: 4xx replies and connection trouble are worth a
 * retry; 5xx replies (no such mailbox, relaying denied) and bad credentials are not.
 */
export function smtpSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  const parsed = smtpErrorSchema.safeParse(error);
  const { responseCode, code, message } = parsed.success ? parsed.data : {};
  const reason = `SMTP: ${message ?? String(error)}`;
  if (responseCode !== undefined) return new ChannelSendError(reason, responseCode < 500);
  return new ChannelSendError(reason, code !== 'EAUTH' && code !== 'EENVELOPE');
}
