import { describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../core/channels/channel-sender.js';
import { smtpMailer, smtpSendError } from './smtp-transport.js';

describe('SMTP transport selection and failures', () => {
  it('needs an SMTP server, and refuses a channel smtp_url on a private address', async () => {
    const refusal = async (attempt: Promise<unknown>) => {
      const error = await attempt.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      if (!(error instanceof ChannelSendError)) throw new Error('expected a ChannelSendError');
      return { retryable: error.retryable, message: error.message };
    };
    expect(await refusal(smtpMailer(undefined, undefined, false))).toMatchObject({
      retryable: false,
      message: 'No SMTP server: set SMTP_URL or the smtp_url secret.',
    });
    expect(await refusal(smtpMailer('smtp://127.0.0.1:2525', undefined, false))).toEqual({
      retryable: false,
      message: 'The SMTP host 127.0.0.1 is a private address.',
    });
    expect((await refusal(smtpMailer('http://mail.example', undefined, false))).retryable).toBe(
      false,
    );
    // Allowed where private networks are (tests, labs), and the server's own URL is trusted.
    const channel = await smtpMailer('smtp://u%40x:p@127.0.0.1:2525', undefined, true);
    channel.close();
    const server = await smtpMailer(undefined, 'smtp://127.0.0.1:2525', false);
    server.close();
  });

  it('retries 4xx replies and connection trouble, not 5xx replies or bad credentials', () => {
    const error = (fields: Record<string, unknown>) =>
      smtpSendError(Object.assign(new Error('boom'), fields));
    expect(error({ responseCode: 421 }).retryable).toBe(true);
    expect(error({ code: 'ECONNECTION' }).retryable).toBe(true);
    expect(error({ responseCode: 550 }).retryable).toBe(false);
    expect(error({ code: 'EAUTH', responseCode: 535 }).retryable).toBe(false);
    expect(error({ code: 'EENVELOPE' }).retryable).toBe(false);
  });
});
