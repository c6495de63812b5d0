// The single entry point from an uploaded file to structured text. It decides the type, applies
// the size limit before any parsing, and turns every failure into an ExtractionError whose
// message tells the uploader what to do.
import { extractCsv } from './csv.js';
import {
  decodeText,
  detectKind,
  extensionOf,
  htmlMetaCharset,
  mimeCharset,
  type SourceKind,
} from './detect.js';
import { extractDocx } from './docx.js';
import { ExtractionError } from './errors.js';
import { extractHtml } from './html.js';
import { extractJson, extractJsonLines } from './json.js';
import { extractMarkdown, extractPlainText } from './markdown.js';
import { extractPdf } from './pdf.js';
import type { Block, ExtractedDocument } from './types.js';

export { ExtractionError, type ExtractionErrorCode } from './errors.js';
export type { Block, ExtractedDocument } from './types.js';

const MIB = 1024 * 1024;

/** 20 MiB: larger sources are refused before parsing. */
export const MAX_SOURCE_BYTES = 20 * MIB;

export const SUPPORTED_TYPES_HINT = 'use PDF, DOCX, TXT, Markdown, CSV, HTML or JSON';

export interface ExtractInput {
  bytes: Buffer;
  filename: string;
  mime?: string;
}

export async function extractDocument(input: ExtractInput): Promise<ExtractedDocument> {
  const { bytes, filename } = input;
  if (bytes.length > MAX_SOURCE_BYTES) {
    throw new ExtractionError(
      'too_large',
      `the file is too large (${(bytes.length / MIB).toFixed(1)} MiB, over the ${MAX_SOURCE_BYTES / MIB} MiB limit): split it into smaller files`,
    );
  }
  if (bytes.length === 0) {
    throw new ExtractionError('empty', 'the file is empty: upload a file with text in it');
  }
  const kind = detectKind(bytes, filename, input.mime);
  if (kind === null) throw unsupported(filename, input.mime);

  const charset = mimeCharset(input.mime) ?? (kind === 'html' ? htmlMetaCharset(bytes) : null);
  const doc = await extractKind(kind, bytes, charset);
  const blocks = doc.blocks.filter(hasText);
  if (blocks.length === 0) {
    throw new ExtractionError(
      'no_text',
      'no extractable text: the file contains no text to add to the knowledge base',
    );
  }
  return { title: doc.title.trim() || fileStem(filename), blocks };
}

async function extractKind(
  kind: SourceKind,
  bytes: Buffer,
  charset: string | null,
): Promise<ExtractedDocument> {
  const text = (): string => decode(bytes, kind, charset);
  switch (kind) {
    case 'pdf':
      return extractPdf(bytes);
    case 'docx':
      return extractDocx(bytes);
    case 'markdown':
      return extractMarkdown(text());
    case 'html': {
      const page = extractHtml(text());
      return { title: page.title, blocks: page.blocks };
    }
    case 'txt':
      return { title: '', blocks: extractPlainText(text()) };
    case 'csv':
      return { title: '', blocks: extractCsv(text()) };
    case 'tsv':
      return { title: '', blocks: extractCsv(text(), '\t') };
    case 'json':
    case 'jsonl':
      return { title: '', blocks: parseJsonKind(kind, text()) };
  }
}

function parseJsonKind(kind: 'json' | 'jsonl', source: string): Block[] {
  try {
    return kind === 'json' ? extractJson(source) : extractJsonLines(source);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw new ExtractionError(
      'corrupt',
      `the file is not valid ${kind === 'json' ? 'JSON' : 'JSON Lines'}${detail}: fix it, or upload it as .txt`,
      { cause: error },
    );
  }
}

function decode(bytes: Buffer, kind: SourceKind, charset: string | null): string {
  const decoded = decodeText(bytes, charset);
  if (decoded === null) {
    throw new ExtractionError(
      'corrupt',
      `the file is labelled ${kind.toUpperCase()} but contains binary data: check that it is the right file`,
    );
  }
  return decoded;
}

function unsupported(filename: string, mime: string | undefined): ExtractionError {
  const extension = extensionOf(filename);
  const what =
    extension !== '' ? ` ${extension}` : mime !== undefined && mime !== '' ? ` ${mime}` : '';
  return new ExtractionError(
    'unsupported',
    `unsupported file type${what}: ${SUPPORTED_TYPES_HINT}`,
  );
}

function hasText(block: Block): boolean {
  switch (block.kind) {
    case 'list':
      return block.items.some((item) => item.trim() !== '');
    case 'table':
      return block.rows.length > 0 || block.header.some((cell) => cell.trim() !== '');
    default:
      return block.text.trim() !== '';
  }
}

function fileStem(filename: string): string {
  const base = filename.split(/[\\/]/u).pop() ?? filename;
  const extension = extensionOf(base);
  return (extension === '' ? base : base.slice(0, -extension.length)).trim() || 'Untitled';
}
