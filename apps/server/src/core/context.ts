import type { Logger } from 'pino';
import type { EventBus } from '../bus/events.js';
import type { AccountCaches } from './cache/account-caches.js';
import type { Clock } from './clock.js';
import type { Config } from '../config/config.js';
import type { EventRecorder } from './events/event-recorder.js';
import type { JobQueue } from '../jobs/queue.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Db } from '../storage/database.js';
import type { DialectName } from '../storage/dialects/dialect.js';

/** What every core service is built from; assembled once by the composition root. */
export interface ServiceContext {
  readonly db: Db;
  readonly dialect: DialectName;
  readonly queue: JobQueue;
  readonly bus: EventBus;
  /** Records conversation events in the caller's transaction (see EventRecorder). */
  readonly events: EventRecorder;
  readonly config: Config;
  readonly secretBox: SecretBox;
  /** Derived from the master secret; signs web-app session tokens. */
  readonly sessionKey: Uint8Array;
  readonly logger: Logger;
  /** "Now" for bot turns and due jobs (the system clock; tests move their own). */
  readonly clock: Clock;
  /** Account settings read on every message, kept between the writes that change them. */
  readonly caches: AccountCaches;
}
