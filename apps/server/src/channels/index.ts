import type { Config } from '../config/config.js';
import type { GuardedHttpClient } from '../security/guarded-fetch.js';
import type { ChannelAdapter } from './adapter.js';

export type { ChannelAdapter } from './adapter.js';
export { AdapterSender, ChannelAdapters, channelContext } from './registry.js';
export { TokenBuckets } from './token-bucket.js';

/** What every provider adapter is built from. */
export interface AdapterDependencies {
  /** Provider API calls go through the guarded client (tests point base URLs at loopback). */
  readonly http: GuardedHttpClient;
  readonly config: Config;
}

/**
 * Every provider adapter Parley ships. Adding a provider: a folder under `channels/`, its
 * adapter here, its base URL in the configuration.
 */
export function createChannelAdapters(deps: AdapterDependencies): ChannelAdapter[] {
  void deps;
  return [];
}
