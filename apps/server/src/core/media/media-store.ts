import { createHash } from 'node:crypto';
import type { Db } from '../../storage/database.js';
import { randomId } from '../ids.js';
import { DomainError } from '../errors/domain-error.js';
import type { MediaRow } from './media-table.js';

/** Largest file a person may upload (widget attachments). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * What may be uploaded, by MIME type prefix or exact type: pictures, sound, video and
 * office documents. Anything a browser would run (HTML, SVG, JavaScript) is refused, so a
 * file served from our origin can never script it.
 */
const ALLOWED = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'audio/',
  'video/',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.',
  'application/vnd.ms-excel',
  'application/vnd.oasis.opendocument.',
];

export type MediaKind = 'image' | 'video' | 'audio' | 'document';

export function mediaKindOf(mime: string): MediaKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

export function isAllowedMime(mime: string): boolean {
  return ALLOWED.some((allowed) =>
    allowed.endsWith('/') || allowed.endsWith('.') ? mime.startsWith(allowed) : mime === allowed,
  );
}

export interface StoredMedia {
  readonly key: string;
  readonly url: string;
  readonly mime: string;
  readonly filename: string;
  readonly size: number;
}

/** Files kept in the database (see migration 0007), served at `/media/<key>`. */
export class MediaStore {
  constructor(
    private readonly db: Db,
    private readonly publicUrl: string,
  ) {}

  async put(
    accountId: number,
    file: { readonly bytes: Buffer; readonly mime: string; readonly filename: string },
    /**
     * Knowledge-base sources accept any type (extraction decides and explains); everyone
     * else gets the upload list above. Either way `/media` never serves a file as a page.
     */
    limits: { readonly anyType?: boolean; readonly maxBytes?: number } = {},
  ): Promise<StoredMedia> {
    const declared = file.mime.toLowerCase().split(';')[0]?.trim() ?? '';
    const mime = declared === '' ? 'application/octet-stream' : declared;
    if (limits.anyType !== true && !isAllowedMime(mime)) {
      throw new DomainError('MEDIA_TYPE_NOT_ALLOWED', {
        message: `Files of type "${mime}" are not accepted.`,
      });
    }
    if (file.bytes.length > (limits.maxBytes ?? MAX_UPLOAD_BYTES)) {
      throw new DomainError('PAYLOAD_TOO_LARGE');
    }
    const key = randomId(32);
    const filename = safeFilename(file.filename);
    await this.db
      .insertInto('media')
      .values({
        account_id: accountId,
        key,
        mime,
        filename,
        size: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        data: file.bytes,
        created_at: Date.now(),
      })
      .execute();
    return { key, url: this.urlOf(key), mime, filename, size: file.bytes.length };
  }

  async get(key: string): Promise<MediaRow> {
    const row = await this.db
      .selectFrom('media')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) throw new DomainError('MEDIA_NOT_FOUND');
    return row;
  }

  urlOf(key: string): string {
    return `${this.publicUrl}/media/${key}`;
  }
}

/** A file name safe to echo in a header and a page: no path, no control characters. */
export function safeFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = Array.from(base)
    .filter((char) => char !== '"' && char.charCodeAt(0) > 0x1f && char.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned === '' ? 'file' : cleaned;
}
