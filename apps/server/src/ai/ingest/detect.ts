// Decides what kind of document a file is and decodes text files. Browsers and operating
// systems label uploads unreliably (".md" arrives as text/plain, ".csv" as
// application/vnd.ms-excel, anything as application/octet-stream), so a specific MIME type
// wins, then the extension, then a generic MIME type, then the bytes themselves.
import { extname } from 'node:path';
import { TextDecoder } from 'node:util';

export type SourceKind =
  'pdf' | 'docx' | 'txt' | 'markdown' | 'csv' | 'tsv' | 'html' | 'json' | 'jsonl';

const SPECIFIC_MIME: Record<string, SourceKind> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/json': 'json',
  'text/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
};

const EXTENSIONS: Record<string, SourceKind> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

export function detectKind(bytes: Buffer, filename: string, mime?: string): SourceKind | null {
  const type = mime?.split(';')[0]?.trim().toLowerCase() ?? '';
  const specific = SPECIFIC_MIME[type];
  if (specific !== undefined) return specific;
  const byExtension = EXTENSIONS[extensionOf(filename)];
  if (byExtension !== undefined) return byExtension;
  // A file with a known-but-unsupported extension (.xlsx, .png) is not sniffed into "text".
  if (extensionOf(filename) !== '' && type !== 'text/plain') return sniffBinary(bytes);
  if (type === 'text/plain') return 'txt';
  return sniff(bytes);
}

export function extensionOf(filename: string): string {
  return extname(filename).toLowerCase();
}

function sniffBinary(bytes: Buffer): SourceKind | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (isZip(bytes) && bytes.includes('word/document.xml')) return 'docx';
  return null;
}

function sniff(bytes: Buffer): SourceKind | null {
  const binary = sniffBinary(bytes);
  if (binary !== null) return binary;
  const text = decodeText(bytes);
  if (text === null) return null;
  const head = text.slice(0, 1024).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /<body[\s>]/u.test(head)) {
    return 'html';
  }
  if ((head.startsWith('{') || head.startsWith('[')) && isJson(text)) return 'json';
  return 'txt';
}

function isZip(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a text file: a byte order mark wins, then a declared charset (from the upload's MIME
 * type or an HTML <meta>), then UTF-8, then, for the legacy files Excel and old editors still
 * write, Windows-1252. Null for binary content.
 */
export function decodeText(bytes: Buffer, declaredCharset?: string | null): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  // NUL never occurs in text, and is the cheapest sign of a binary file.
  if (bytes.subarray(0, 8192).includes(0)) return null;
  const declared = declaredCharset ? decoderFor(declaredCharset) : null;
  if (declared !== null) return declared.decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function decoderFor(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label.trim().toLowerCase());
  } catch {
    return null; // an unknown label: fall back to detection
  }
}

/** The charset parameter of a MIME type ("text/csv; charset=shift_jis"). */
export function mimeCharset(mime: string | undefined): string | null {
  return /;\s*charset\s*=\s*"?([\w.:-]+)/iu.exec(mime ?? '')?.[1] ?? null;
}

/** The charset an HTML file declares in its first kilobytes (<meta charset> or http-equiv). */
export function htmlMetaCharset(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 4096).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/iu.exec(head)?.[1] ?? null;
}
