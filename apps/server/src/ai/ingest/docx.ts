// DOCX via mammoth, which maps Word's styles to semantic HTML (Heading 1 → <h1>, lists,
// tables); that HTML then goes through the same block extraction as web pages.
import { ExtractionError } from './errors.js';
import { extractHtml } from './html.js';
import type { ExtractedDocument } from './types.js';

// A .docx is a zip: a small upload can inflate to gigabytes of XML (a zip bomb). The XML parts
// mammoth reads are summed from the zip's central directory before anything is inflated.
export const MAX_DOCX_XML_BYTES = 256 * 1024 * 1024;

export async function extractDocx(bytes: Buffer): Promise<ExtractedDocument> {
  const xmlBytes = zipXmlSize(bytes);
  if (xmlBytes === null) throw corrupt();
  if (xmlBytes > MAX_DOCX_XML_BYTES) {
    throw new ExtractionError(
      'too_large',
      'the DOCX expands to too much data to read safely: split it into smaller documents',
    );
  }
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: bytes },
      {
        // Images are not text; skipping them avoids inlining them as base64 in the HTML.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        // Linked (not embedded) files must never be read from the server's disk.
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (error) {
    throw corrupt(error);
  }
  const page = extractHtml(html);
  return { title: page.title, blocks: page.blocks };
}

function corrupt(cause?: unknown): ExtractionError {
  return new ExtractionError(
    'corrupt',
    'the file is not a readable DOCX document (it may be damaged, password-protected or in the old .doc format): open it in Word and save it as .docx again',
    { cause },
  );
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const ZIP64_EXTRA_ID = 0x0001;
const MAX_U32 = 0xffffffff;

/**
 * Sum of the uncompressed sizes of the .xml/.rels entries listed in a zip's central directory,
 * or null when the bytes are not a well-formed zip.
 */
export function zipXmlSize(bytes: Buffer): number | null {
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd === null) return null;
  const entries = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  let total = 0;
  for (let i = 0; i < entries; i += 1) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== CENTRAL_ENTRY_SIGNATURE) {
      return null;
    }
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const nameStart = offset + 46;
    const name = bytes.toString('utf8', nameStart, nameStart + nameLength);
    let size = bytes.readUInt32LE(offset + 24);
    if (size === MAX_U32) {
      size = zip64Size(
        bytes.subarray(nameStart + nameLength, nameStart + nameLength + extraLength),
      );
    }
    if (/\.(xml|rels)$/iu.test(name)) total += size;
    offset = nameStart + nameLength + extraLength + commentLength;
  }
  return total;
}

// The end-of-central-directory record sits in the last 22 bytes plus up to 64 KiB of comment.
function findEndOfCentralDirectory(bytes: Buffer): number | null {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at -= 1) {
    if (bytes.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  return null;
}

// In a ZIP64 extra field the 8-byte uncompressed size comes first. Unreadable means "huge".
function zip64Size(extra: Buffer): number {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID && length >= 8 && at + 12 <= extra.length) {
      return Number(extra.readBigUInt64LE(at + 4));
    }
    at += 4 + length;
  }
  return Number.MAX_SAFE_INTEGER;
}
