import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import type { Db } from '../../storage/database.js';
import { fetchPage } from '../crawl/fetch-page.js';
import { ExtractionError } from '../ingest/errors.js';
import { extractDocument } from '../ingest/extract.js';
import { extractHtmlDocument } from '../ingest/html.js';
import type { KbSourceRow } from '../store/kb-tables.js';
import type { IndexedDocument } from './index-chunks.js';
import { indexable, SourceFailure } from './indexable.js';

export { indexable, SourceFailure } from './indexable.js';

const PAGE_LIMITS = { userAgent: 'ParleyBot/1.0', timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024 };

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
          ? extractHtmlDocument(page.body)
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
