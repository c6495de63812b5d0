import type { Config } from '../config/config.js';
import type { GuardedHttpClient } from '../security/guarded-fetch.js';
import type { Db } from '../storage/database.js';
import type { ChannelAdapter } from './adapter.js';
import { D360Adapter } from './d360/adapter.js';
import { EmailAdapter } from './email/email-adapter.js';
import { storedEmailThreads } from './email/email-threads.js';
import { createMessengerAdapters } from './messenger/graph-adapter.js';
import { TelegramAdapter } from './telegram/telegram-adapter.js';
import { TwilioAdapter } from './twilio/twilio-adapter.js';
import { WhatsAppCloudAdapter } from './whatsapp-cloud/adapter.js';

export type { ChannelAdapter } from './adapter.js';
export { AdapterSender, ChannelAdapters, channelContext } from './registry.js';
export { TokenBuckets } from './token-bucket.js';

/** What every provider adapter is built from. */
export interface AdapterDependencies {
  /**
   * Provider API calls go through the guarded client (tests point base URLs at loopback),
   * one that keeps connections to the providers' hosts alive.
   */
  readonly http: GuardedHttpClient;
  /** For addresses tenants choose (an e-mail attachment's URL): a connection per request. */
  readonly tenantHttp?: GuardedHttpClient;
  readonly config: Config;
  /** Read-only lookups adapters need at send time (the e-mail thread of a conversation). */
  readonly db: Db;
}

/**
 * Every provider adapter Parley ships. Adding a provider: a folder under `channels/`, its
 * adapter here, its base URL in the configuration.
 */
export function createChannelAdapters(deps: AdapterDependencies): ChannelAdapter[] {
  return [
    new TwilioAdapter(deps.http, deps.config),
    new TelegramAdapter(deps.http, deps.config),
    new WhatsAppCloudAdapter({ http: deps.http, baseUrl: deps.config.providerUrls.whatsapp }),
    new D360Adapter({ http: deps.http, baseUrl: deps.config.providerUrls.d360 }),
    ...createMessengerAdapters(deps),
    new EmailAdapter({ ...deps, http: deps.tenantHttp ?? deps.http }, storedEmailThreads(deps.db)),
  ];
}
