import type { Generated } from 'kysely';

/** `channel_inbox_drains` (migration 0012): a drain job scheduled and not yet started. */
export interface ChannelInboxDrainsTable {
  channel_id: number;
  /** 1 from the acknowledgement that enqueued a drain job until that job starts. */
  scheduled: number;
}

/** `channel_inbox` (migration 0006): verified provider webhooks, processed in order. */
export interface ChannelInboxTable {
  id: Generated<number>;
  account_id: number;
  channel_id: number;
  /** SHA-256 of the body, unique per channel: identical redeliveries are stored once. */
  digest: string;
  /** JSON: method, url, headers, query and the base64 body of the provider's request. */
  request: string;
  received_at: number;
  /** When it was applied (or given up on); null while pending. */
  processed_at: number | null;
  /** Why it could not be applied, when it could not. */
  error: string | null;
}
