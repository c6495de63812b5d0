import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.js';
import { zipXmlSize } from './docx.js';
import { extractDocument } from './extract.js';
import { buildDocx, buildZip, extractionFailure } from './test-fixtures.js';

describe('extractDocument: DOCX', () => {
  it("maps Word's headings, paragraphs and tables to blocks", async () => {
    const docx = buildDocx([
      { kind: 'heading', level: 1, text: 'Employee Handbook' },
      { kind: 'paragraph', text: 'Welcome to Acme & friends.' },
      { kind: 'heading', level: 2, text: 'Leave' },
      { kind: 'paragraph', text: 'Everyone gets 25 days; Urlaubsanträge über das Portal.' },
      {
        kind: 'table',
        rows: [
          ['Plan', 'Price'],
          ['Pro', '49 €'],
        ],
      },
    ]);
    const doc = await extractDocument({ bytes: docx, filename: 'handbook.docx' });
    expect(doc).toEqual({
      title: 'Employee Handbook',
      blocks: [
        { kind: 'heading', level: 1, text: 'Employee Handbook' },
        { kind: 'paragraph', text: 'Welcome to Acme & friends.' },
        { kind: 'heading', level: 2, text: 'Leave' },
        { kind: 'paragraph', text: 'Everyone gets 25 days; Urlaubsanträge über das Portal.' },
        { kind: 'table', header: ['Plan', 'Price'], rows: [['Pro', '49 €']] },
      ],
    });
    expect(chunkDocument(doc).map((c) => c.section)).toEqual([
      'Employee Handbook',
      'Employee Handbook > Leave',
    ]);
  });

  it('reports a damaged or non-Word zip as an unreadable DOCX', async () => {
    const notWord = buildZip({ 'readme.txt': 'hello' });
    const error = await extractionFailure(extractDocument({ bytes: notWord, filename: 'x.docx' }));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^the file is not a readable DOCX document/u);
    const truncated = buildDocx([{ kind: 'paragraph', text: 'x' }]).subarray(0, 200);
    const damaged = await extractionFailure(
      extractDocument({ bytes: truncated, filename: 'x.docx' }),
    );
    expect(damaged.code).toBe('corrupt');
  });

  it('sizes the XML parts from the central directory without inflating them', () => {
    const zip = buildZip({
      'word/document.xml': 'a'.repeat(100_000),
      'media/x.png': 'b'.repeat(10),
    });
    expect(zip.length).toBeLessThan(2000);
    expect(zipXmlSize(zip)).toBe(100_000);
    expect(zipXmlSize(Buffer.from('not a zip at all, just some text'))).toBeNull();
  });
});
