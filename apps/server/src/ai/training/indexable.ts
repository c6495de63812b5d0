import { chunkDocument } from '../ingest/chunk.js';
import { contentHash } from '../ingest/content-hash.js';
import type { ExtractedDocument } from '../ingest/types.js';
import type { IndexedDocument } from './index-chunks.js';

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
