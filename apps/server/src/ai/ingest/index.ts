// The ingestion library's public surface: pure functions from source bytes or HTML to chunks.
export { chunkDocument, countTokens, renderBlock, type Chunk, type ChunkOptions } from './chunk.js';
export { contentHash } from './content-hash.js';
export {
  extractDocument,
  ExtractionError,
  MAX_SOURCE_BYTES,
  type Block,
  type ExtractedDocument,
  type ExtractionErrorCode,
  type ExtractInput,
} from './extract.js';
export { extractHtml, type ExtractedHtml } from './html.js';
