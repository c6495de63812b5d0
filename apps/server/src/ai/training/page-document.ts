import { ExtractionError } from '../ingest/errors.js';
import { extractDocument } from '../ingest/extract.js';
import { extractHtmlDocument } from '../ingest/html.js';
import type { IndexedDocument } from './index-chunks.js';
import { indexable, SourceFailure } from './indexable.js';

/**
 * A crawled page's text as the document it is trained as: extracted, chunked and hashed. Pure
 * CPU work on plain data, so that it can run on a worker thread (see PagePool) as well as
 * here, with the same result.
 */

export interface PageBody {
  /** Where the body came from (after redirects): the chunks' citation URL. */
  readonly finalUrl: string;
  /** The media type without parameters (text/html, application/xhtml+xml or text/plain). */
  readonly contentType: string;
  readonly body: string;
}

/** The document, or why the page cannot become one (shown on the failed source). */
export type PageDocument = { readonly document: IndexedDocument } | { readonly failure: string };

/** `url` is the page's source URL, its title when it has none of its own. */
export async function pageDocument(page: PageBody, url: string): Promise<PageDocument> {
  try {
    const extracted = page.contentType.includes('html')
      ? extractHtmlDocument(page.body)
      : await extractDocument({
          bytes: Buffer.from(page.body, 'utf8'),
          filename: 'page.txt',
          mime: 'text/plain',
        });
    return { document: indexable(extracted, page.finalUrl, url) };
  } catch (error) {
    if (error instanceof SourceFailure || error instanceof ExtractionError)
      return { failure: error.message };
    throw error;
  }
}
