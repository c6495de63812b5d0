import type { Generated, Selectable } from 'kysely';

/** The AI studio's named prompts and functions (migration 0009). Times are epoch milliseconds. */
export interface AiPromptsTable {
  id: Generated<number>;
  account_id: number;
  /** Unique per account; an AI block's `promptName`. */
  name: string;
  text: string;
  created_at: number;
  updated_at: number;
}

export interface AiFunctionsTable {
  id: Generated<number>;
  account_id: number;
  /** Unique per account, `^[a-zA-Z0-9_-]{1,64}$` (what OpenAI accepts as a tool name). */
  name: string;
  description: string;
  /** JSON Schema text: `{ type: 'object', properties, required? }`. */
  parameters: string;
  method: 'GET' | 'POST';
  /** http(s) URL with `{{param}}` placeholders. */
  url: string;
  /** JSON object of header name to value. */
  headers: string;
  created_at: number;
  updated_at: number;
}

export interface AiConfigTables {
  ai_prompts: AiPromptsTable;
  ai_functions: AiFunctionsTable;
}

export type AiPromptRow = Selectable<AiPromptsTable>;
export type AiFunctionRow = Selectable<AiFunctionsTable>;
