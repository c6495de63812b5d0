import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ConversationSchema } from './schema-conversations.js';
import type { AiConfigTables } from '../ai/store/ai-config-tables.js';
import type { AiTables } from '../ai/store/kb-tables.js';

/**
 * The database as Kysely sees it. Conventions, the same on SQLite and PostgreSQL:
 * - every row of account data carries `account_id` (accounts, installation and
 *   migrations are the roots above accounts);
 * - times are epoch milliseconds in BIGINT columns (sortable, no time-zone games);
 * - booleans are 0/1 integers and JSON is text, so both dialects return the same values.
 */
export interface InstallationTable {
  id: number;
  created_at: number;
}

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface RolesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string;
  master_role_id: number | null;
  built_in: number;
  configuration: string;
  created_at: number;
  updated_at: number;
}

export type UserKind = 'human' | 'app';
export type UserStatus = 'invited' | 'active' | 'disabled';

export interface UsersTable {
  id: Generated<number>;
  account_id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  kind: UserKind;
  status: UserStatus;
  role_id: number;
  password_hash: string | null;
  availability: Generated<'online' | 'offline' | 'busy'>;
  /** 0: no limit. */
  max_open_conversations: Generated<number>;
  invitation_key_hash: string | null;
  invitation_expires_at: number | null;
  image_url: string | null;
  created_at: number;
  updated_at: number;
}

export interface TeamsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string;
  assignment_mode: Generated<'round_robin' | 'team'>;
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  account_id: number;
  team_id: number;
  user_id: number;
  created_at: number;
  last_assigned_at: number | null;
}

export type TokenKind = 'account' | 'user' | 'app';

export interface ApiTokensTable {
  id: Generated<number>;
  account_id: number;
  kind: TokenKind;
  user_id: number | null;
  name: string;
  token_hash: string;
  token_prefix: string;
  scopes: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

export interface SessionsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  refresh_hash: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'dead';

export interface JobsTable {
  id: Generated<number>;
  account_id: number | null;
  name: string;
  payload: string;
  status: JobStatus;
  run_at: number;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  idempotency_key: string | null;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  account_id: number | null;
  name: string;
  payload: string;
  run_at: number;
  max_attempts: number;
  backoff_ms: number;
  idempotency_key: string | null;
  created_at: number;
}

export interface Schema extends ConversationSchema, AiTables, AiConfigTables {
  installation: InstallationTable;
  accounts: AccountsTable;
  roles: RolesTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  jobs: JobsTable;
  outbox: OutboxTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type RoleRow = Selectable<RolesTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type TeamRow = Selectable<TeamsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type SessionRow = Selectable<SessionsTable>;
export type JobRow = Selectable<JobsTable>;
export type OutboxRow = Selectable<OutboxTable>;
