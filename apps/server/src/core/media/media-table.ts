import type { Generated, Selectable } from 'kysely';

/** Uploaded files (migration 0007). */
export interface MediaTable {
  id: Generated<number>;
  account_id: number;
  /** The public, unguessable name: `/media/<key>`. */
  key: string;
  mime: string;
  filename: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: number;
}

export type MediaRow = Selectable<MediaTable>;
