import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { Db } from '../../storage/database.js';
import { fetchPage } from '../crawl/fetch-page.js';
import { chunkDocument } from '../ingest/chunk.js';
import { contentHash } from '../ingest/content-hash.js';
import { ExtractionError } from '../ingest/errors.js';
import { extractDocument } from '../ingest/extract.js';
import { extractHtml } from '../ingest/html.js';
import type { ExtractedDocument } from '../ingest/types.js';
import type { KbSourceRow } from '../store/kb-tables.js';
import type { IndexedDocument } from './index-chunks.js';

const PAGE_LIMITS = { userAgent: 'ParleyBot/1.0', timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024 };

/** A document a source could not become, with the reason shown to the person who added it. */
export class SourceFailure extends Error {}

/** The text of everything a document says, for its hash: formatting changes are no change. */
function plainText(document: ExtractedDocument): string {
  return document.blocks
    .map((block) => {
      switch (block.kind) {
        case 'heading':
        case 'paragraph':
        case 'code':
          return block.text;
        case 'list':
          return block.items.join('\n');
        case 'table':
          return [block.header, ...block.rows].map((row) => row.join('\t')).join('\n');
      }
    })
    .join('\n');
}

/** Chunks a document; a document without text fails instead of training to nothing. */
export function indexable(
  document: ExtractedDocument,
  url: string | null,
  fallbackTitle: string,
): IndexedDocument {
  const chunks = chunkDocument(document);
  if (chunks.length === 0) throw new SourceFailure('no extractable text');
  return {
    title: document.title.trim() || fallbackTitle,
    url,
    hash: contentHash(plainText(document)),
    chunks,
  };
}

/** Reads, extracts and chunks one text, file or page source. */
export async function sourceDocument(
  db: Db,
  http: GuardedHttpClient,
  source: KbSourceRow,
  signal: AbortSignal,
): Promise<IndexedDocument> {
  try {
    switch (source.type) {
      case 'text': {
        const document = await extractDocument({
          bytes: Buffer.from(source.source, 'utf8'),
          filename: `${source.name}.md`,
          mime: 'text/markdown',
        });
        return indexable(document, null, source.name);
      }
      case 'file': {
        const media = await db
          .selectFrom('media')
          .select(['data', 'mime', 'filename'])
          .where('account_id', '=', source.account_id)
          .where('key', '=', source.source)
          .executeTakeFirst();
        if (media === undefined) throw new SourceFailure('the uploaded file is gone');
        const document = await extractDocument({
          bytes: media.data,
          filename: media.filename,
          mime: media.mime,
        });
        return indexable(document, null, media.filename);
      }
      case 'url': {
        const page = await fetchPage(http, new URL(source.source), { ...PAGE_LIMITS, signal });
        if (page.kind === 'aborted')
          throw new SourceFailure('training took too long and was stopped');
        if (page.kind === 'failed') throw new SourceFailure(page.error);
        const document = page.html
          ? extractHtml(page.body, page.finalUrl)
          : await extractDocument({
              bytes: Buffer.from(page.body, 'utf8'),
              filename: 'page.txt',
              mime: 'text/plain',
            });
        return indexable(document, page.finalUrl, source.source);
      }
    }
  } catch (error) {
    if (error instanceof ExtractionError) throw new SourceFailure(error.message);
    throw error;
  }
}
