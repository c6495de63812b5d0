import { describe, expect, it } from 'vitest';
import { OUTSIDE_WINDOW_REASON, sendErrorOf } from './errors.js';

describe('WhatsApp send errors', () => {
  it('reads on-premise error bodies (360dialog) as well as Graph ones', () => {
    const window = sendErrorOf('360dialog', 400, {
      errors: [
        { code: 470, title: 'Message failed to send because more than 24 hours have passed' },
      ],
      meta: { api_status: 'stable' },
    });
    expect(window).toMatchObject({ retryable: false, message: OUTSIDE_WINDOW_REASON });
    const invalid = sendErrorOf('360dialog', 400, {
      errors: [{ code: 1013, title: 'User is not valid', details: 'not on WhatsApp' }],
    });
    expect(invalid).toMatchObject({
      retryable: false,
      message: '360dialog error 1013: User is not valid (not on WhatsApp)',
    });
  });

  it('an unreadable body is judged by the HTTP status alone', () => {
    expect(sendErrorOf('WhatsApp', 502, undefined)).toMatchObject({
      retryable: true,
      message: 'WhatsApp answered HTTP 502',
    });
    expect(sendErrorOf('WhatsApp', 429, 'Too Many Requests')).toMatchObject({ retryable: true });
    expect(sendErrorOf('WhatsApp', 404, undefined)).toMatchObject({ retryable: false });
  });
});
