import type { KbDomainRow, KbSourceRow } from '../../ai/store/kb-tables.js';
import { wotnotTimestamp } from './bot-routes.js';

/** A user as WotNot shows who created a source: the System user when nobody did. */
export interface Creator {
  readonly id: number;
  readonly name: string;
}

export const SYSTEM_CREATOR: Creator = { id: 2, name: 'System' };

const time = (epochMs: number | null) => (epochMs === null ? null : wotnotTimestamp(epochMs));

/** A source as `data-sources/webpages` answers it. */
export function webpageView(row: KbSourceRow, creator: Creator) {
  return {
    knowledge_base_id: String(row.kb_id),
    id: row.id,
    name: row.name,
    source_type: row.type,
    token: row.token_count,
    refresh_frequency: row.refresh_frequency,
    last_trained_at: time(row.last_trained_at),
    status: row.status,
    type: row.type,
    created_at: wotnotTimestamp(row.created_at),
    created_by: creator,
  };
}

/** A source in the knowledge base details. */
export function dataSourceView(row: KbSourceRow, userName: string | null) {
  return {
    id: row.id,
    name: row.name,
    // The text itself for a text source; the page URL or the file name otherwise.
    source: row.type === 'file' ? row.name : row.source,
    token: row.token_count,
    domain_id: row.domain_id,
    refresh_frequency: row.refresh_frequency,
    last_trained_at: time(row.last_trained_at),
    status: row.status,
    failed_reason: row.failed_reason,
    type: row.type,
    created_at: wotnotTimestamp(row.created_at),
    created_by: row.created_by,
    user_name: userName,
    // Parley's additions: progress a person can follow.
    chunks: row.chunk_count,
  };
}

export function domainView(row: KbDomainRow) {
  return {
    id: row.id,
    url: row.url,
    exclude_urls: row.exclude_urls,
    refresh_frequency: row.refresh_frequency,
    status: row.status,
    failed_reason: row.failed_reason,
    pages_crawled: row.pages_crawled,
    pages_failed: row.pages_failed,
    chunks_indexed: row.chunks_indexed,
    last_trained_at: time(row.last_trained_at),
    created_at: wotnotTimestamp(row.created_at),
  };
}
