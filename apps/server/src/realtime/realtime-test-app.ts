import type { Logger } from 'pino';
import type { Environment } from '../config/config.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import type { TestDatabase, TestStack } from '../testing/test-databases.js';

export const REALTIME_PATH = '/api/native/realtime';

export type RealtimeTestApp = TestApp;

export interface RealtimeTestAppOptions {
  readonly env?: Environment;
  readonly logger?: Logger;
  /** Share a database (and Redis prefix) with another app: two "processes" in one test. */
  readonly shared?: { readonly database: TestDatabase; readonly redisPrefix: string };
}

/** A test app listening on a loopback port, so real WebSocket clients can connect. */
export function createRealtimeTestApp(
  stack: TestStack,
  options: RealtimeTestAppOptions = {},
): Promise<RealtimeTestApp> {
  return createTestApp(stack, options.env, {
    listen: true,
    logger: options.logger,
    shared: options.shared,
  });
}
