// PDF text layer extraction with PDF.js (pdfjs-dist 4.x legacy build, the one that runs on
// Node 20). PDF.js is imported lazily: it is large, and most sources are not PDFs. Its work is
// bounded by a deadline checked around every await, and a document whose first pages carry no
// text is given up on early, so a scanned 900-page PDF fails in moments instead of holding a
// worker.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ExtractionError } from './errors.js';
import { pdfBlocks, type PdfRun } from './pdf-layout.js';
import type { ExtractedDocument } from './types.js';
import type * as PdfjsModule from 'pdfjs-dist/legacy/build/pdf.mjs';

export const PDF_TIME_BUDGET_MS = 60_000;
/** After this many pages without a single character, the PDF is taken to be a scan. */
export const PDF_NO_TEXT_PROBE_PAGES = 30;

export interface PdfOptions {
  timeBudgetMs?: number;
}

type Pdfjs = typeof PdfjsModule;
let pdfjsPromise: Promise<Pdfjs> | undefined;

function loadPdfjs(): Promise<Pdfjs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsPromise;
}

// Character maps (CJK fonts) and the standard 14 fonts' metrics ship inside the package; PDF.js
// on Node reads them from these directories, never from the network.
function assetDirectories(): { cMapUrl: string; standardFontDataUrl: string } {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return {
    cMapUrl: join(root, 'cmaps') + '/',
    standardFontDataUrl: join(root, 'standard_fonts') + '/',
  };
}

export async function extractPdf(
  bytes: Buffer,
  options: PdfOptions = {},
): Promise<ExtractedDocument> {
  const deadline = Date.now() + (options.timeBudgetMs ?? PDF_TIME_BUDGET_MS);
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    // A copy: PDF.js may transfer (detach) the buffer it is given.
    data: new Uint8Array(bytes),
    ...assetDirectories(),
    cMapPacked: true,
    // Never compile font programs with eval (CVE-2024-4367) nor touch system fonts.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const doc = await beforeDeadline(task.promise, deadline);
    const pages: PdfRun[][] = [];
    let characters = 0;
    for (let number = 1; number <= doc.numPages; number += 1) {
      const page = await beforeDeadline(doc.getPage(number), deadline);
      const content = await beforeDeadline(page.getTextContent(), deadline);
      const runs: PdfRun[] = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const [, , c = 0, d = 0, x = 0, y = 0] = item.transform.map(Number);
        const size = item.height > 0 ? item.height : Math.hypot(c, d);
        runs.push({ str: item.str, x, y, width: item.width, size, hasEOL: item.hasEOL });
        characters += item.str.trim().length;
      }
      page.cleanup();
      pages.push(runs);
      if (characters === 0 && number >= PDF_NO_TEXT_PROBE_PAGES) break;
    }
    if (characters === 0) throw noText();
    const blocks = pdfBlocks(pages);
    if (blocks.length === 0) throw noText();
    const firstHeading = blocks.find((block) => block.kind === 'heading');
    const title = (await metadataTitle(doc, deadline)) || (firstHeading?.text ?? '');
    return { title, blocks };
  } catch (error) {
    throw toExtractionError(error);
  } finally {
    // Cleanup is bounded too: a stuck teardown must not hold the caller.
    await beforeDeadline(task.destroy(), Date.now() + 1000).catch(() => undefined);
  }
}

function noText(): ExtractionError {
  return new ExtractionError(
    'no_text',
    'no extractable text: the PDF has no text layer (probably a scan or images); run it through OCR and upload the result',
  );
}

async function metadataTitle(
  doc: { getMetadata: () => Promise<{ info: unknown }> },
  deadline: number,
): Promise<string> {
  try {
    const { info } = await beforeDeadline(doc.getMetadata(), deadline);
    if (typeof info === 'object' && info !== null && 'Title' in info) {
      const title: unknown = info.Title;
      // Producers often fill Title with the source file's name ("Microsoft Word - a.docx").
      if (typeof title === 'string' && !/^(untitled|microsoft \w+ - )|\.\w{2,4}$/iu.test(title)) {
        return title.replace(/\s+/gu, ' ').trim();
      }
    }
  } catch {
    // A damaged info dictionary only costs the title.
  }
  return '';
}

async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  // When the deadline wins, PDF.js still settles this promise later (destroy() rejects it with
  // "Loading aborted"): mark it handled so that is not an unhandled rejection.
  promise.catch(() => undefined);
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw tooSlow();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(tooSlow());
    }, remaining);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function tooSlow(): ExtractionError {
  return new ExtractionError(
    'too_complex',
    'the PDF took too long to read: it may be damaged or unusually complex; try printing it to a new PDF, or split it',
  );
}

// PDF.js signals its failures by exception class name.
function toExtractionError(error: unknown): ExtractionError {
  if (error instanceof ExtractionError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new ExtractionError(
      'encrypted',
      'the PDF is password-protected: remove the password and upload it again',
      { cause: error },
    );
  }
  return new ExtractionError(
    'corrupt',
    'the file is not a readable PDF (it may be damaged or incomplete): open and re-save it, then upload it again',
    { cause: error },
  );
}
