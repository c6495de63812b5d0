import type { Generated, Selectable } from 'kysely';

/** `bot_sessions` (migration 0004): the running bot of one conversation. */
export interface BotSessionsTable {
  id: Generated<number>;
  account_id: number;
  conversation_id: number;
  bot_id: number;
  flow_version_id: number;
  /** JSON: the engine Session, the pending timer and the last step log entries. */
  state: string;
  /** The Session's status (`active`, `waiting`, `ended`), for queries without parsing. */
  status: string;
  created_at: number;
  updated_at: number;
}

export type BotSessionRow = Selectable<BotSessionsTable>;
