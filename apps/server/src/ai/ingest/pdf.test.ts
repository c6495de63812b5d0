import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.js';
import { extractDocument } from './extract.js';
import { pdfBlocks, type PdfRun } from './pdf-layout.js';
import { extractPdf } from './pdf.js';
import { buildPdf, extractionFailure } from './test-fixtures.js';

describe('extractDocument: PDF', () => {
  it('extracts the text layer, with larger short lines as headings', async () => {
    const pdf = buildPdf([
      [
        { text: 'Refund Policy', size: 24, y: 720 },
        { text: 'Refunds are issued within 14 days (no questions asked).', size: 11, y: 690 },
        { text: 'Contact support to request one.', size: 11, y: 676 },
        { text: 'Exceptions', size: 16, y: 640 },
        { text: 'Custom contracts follow their own terms.', size: 11, y: 620 },
      ],
    ]);
    expect(pdf.length).toBeLessThan(1500);
    const doc = await extractDocument({
      bytes: pdf,
      filename: 'policy.pdf',
      mime: 'application/pdf',
    });
    expect(doc).toEqual({
      title: 'Refund Policy',
      blocks: [
        { kind: 'heading', level: 1, text: 'Refund Policy' },
        {
          kind: 'paragraph',
          text: 'Refunds are issued within 14 days (no questions asked). Contact support to request one.',
        },
        { kind: 'heading', level: 2, text: 'Exceptions' },
        { kind: 'paragraph', text: 'Custom contracts follow their own terms.' },
      ],
    });
    expect(chunkDocument(doc).map((c) => c.section)).toEqual([
      'Refund Policy',
      'Refund Policy > Exceptions',
    ]);
  });

  it('recognises a PDF by its bytes when name and type say nothing', async () => {
    const pdf = buildPdf([[{ text: 'Hello from a PDF', size: 12, y: 700 }]]);
    const doc = await extractDocument({ bytes: pdf, filename: 'download' });
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: 'Hello from a PDF' }]);
  });

  it('fails fast with "no extractable text" on a PDF without a text layer', async () => {
    const pages = Array.from({ length: 200 }, () => []);
    const started = Date.now();
    const error = await extractionFailure(
      extractDocument({ bytes: buildPdf(pages), filename: 'scan.pdf' }),
    );
    expect(error.code).toBe('no_text');
    expect(error.message).toMatch(/^no extractable text/u);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up with a clear error when reading exceeds the time budget', async () => {
    const pdf = buildPdf([[{ text: 'Slow', size: 12, y: 700 }]]);
    const error = await extractionFailure(extractPdf(pdf, { timeBudgetMs: 0 }));
    expect(error.code).toBe('too_complex');
    expect(error.message).toMatch(/^the PDF took too long to read/u);
  });

  it('reports a damaged PDF as such', async () => {
    const truncated = buildPdf([[{ text: 'x', size: 12, y: 700 }]]).subarray(0, 120);
    const error = await extractionFailure(
      extractDocument({ bytes: truncated, filename: 'broken.pdf' }),
    );
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^the file is not a readable PDF/u);
  });
});

describe('pdfBlocks', () => {
  const run = (str: string, y: number, size = 10, x = 72): PdfRun => ({
    str,
    x,
    y,
    width: str.length * size * 0.5,
    size,
    hasEOL: false,
  });

  it('drops running headers and page numbers and joins hyphenated words', () => {
    const topics = ['billing', 'routing', 'reporting'];
    const page = (n: number): PdfRun[] => [
      run('ACME HANDBOOK', 770, 8),
      run(`Chapter ${n} covers onboard-`, 700),
      run(`ing agents for ${topics[n - 1] ?? ''}.`, 688),
      run(`Page ${n} of 3`, 30, 8),
    ];
    expect(pdfBlocks([page(1), page(2), page(3)])).toEqual([
      { kind: 'paragraph', text: 'Chapter 1 covers onboarding agents for billing.' },
      { kind: 'paragraph', text: 'Chapter 2 covers onboarding agents for routing.' },
      { kind: 'paragraph', text: 'Chapter 3 covers onboarding agents for reporting.' },
    ]);
  });

  it('inserts the space a producer left out between separately placed words', () => {
    expect(pdfBlocks([[run('Hello', 700, 10, 72), run('world', 700, 10, 72 + 25 + 4)]])).toEqual([
      { kind: 'paragraph', text: 'Hello world' },
    ]);
  });
});
