import type { Generated, Selectable } from 'kysely';

/** The AI studio's tables (migration 0008). Times are epoch milliseconds. */
export type SourceStatus = 'in-progress' | 'trained' | 'failed';
export type SourceType = 'text' | 'file' | 'url';
export type RefreshFrequency = 'daily' | 'weekly' | 'monthly';

export interface KnowledgeBasesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** JSON: KnowledgeBaseSettings (top-k, score threshold). */
  settings: string;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface KbDomainsTable {
  id: Generated<number>;
  account_id: number;
  kb_id: number;
  url: string;
  /** JSON array of patterns. */
  exclude_urls: string;
  refresh_frequency: RefreshFrequency | null;
  status: SourceStatus;
  failed_reason: string | null;
  pages_crawled: Generated<number>;
  pages_failed: Generated<number>;
  chunks_indexed: Generated<number>;
  request_id: string;
  last_trained_at: number | null;
  next_refresh_at: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface KbSourcesTable {
  id: Generated<number>;
  account_id: number;
  kb_id: number;
  domain_id: number | null;
  type: SourceType;
  name: string;
  source: string;
  title: string | null;
  status: SourceStatus;
  failed_reason: string | null;
  token_count: Generated<number>;
  chunk_count: Generated<number>;
  content_hash: string | null;
  refresh_frequency: RefreshFrequency | null;
  last_trained_at: number | null;
  next_refresh_at: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

export interface KbChunksTable {
  id: Generated<number>;
  account_id: number;
  kb_id: number;
  source_id: number;
  ordinal: number;
  text: string;
  title: string;
  url: string | null;
  section: string | null;
  tokens: number;
  embedding: Buffer | null;
}

export interface KbCustomAnswersTable {
  id: Generated<number>;
  account_id: number;
  kb_id: number | null;
  question: string;
  answer: string;
  created_at: number;
}

export interface AiUsageTable {
  id: Generated<number>;
  account_id: number;
  /** 0 when no bot asked (an API call). */
  bot_id: number;
  day: string;
  prompt_tokens: number;
  completion_tokens: number;
  requests: number;
}

export interface AiTables {
  knowledge_bases: KnowledgeBasesTable;
  kb_domains: KbDomainsTable;
  kb_sources: KbSourcesTable;
  kb_chunks: KbChunksTable;
  kb_custom_answers: KbCustomAnswersTable;
  ai_usage: AiUsageTable;
}

export type KnowledgeBaseRow = Selectable<KnowledgeBasesTable>;
export type KbDomainRow = Selectable<KbDomainsTable>;
export type KbSourceRow = Selectable<KbSourcesTable>;
