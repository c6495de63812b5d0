import { describe, expect, it } from 'vitest';
import { chunkDocument, countTokens } from './chunk.js';
import { extractDocument } from './extract.js';
import { extractionFailure } from './test-fixtures.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('extractDocument: CSV', () => {
  it('turns 1,000 rows into several chunks, each starting with the header', async () => {
    const lines = ['id,product,"description, long",price'];
    for (let i = 0; i < 1000; i += 1) {
      lines.push(`${i},Widget ${i},"Sturdy widget, model ${i}\nwith ""quotes""",${i}.50`);
    }
    const doc = await extractDocument({
      bytes: utf8(lines.join('\r\n')),
      filename: 'products.csv',
    });
    expect(doc.title).toBe('products');
    const [table] = doc.blocks;
    if (table?.kind !== 'table') throw new Error('expected a table');
    expect(table.header).toEqual(['id', 'product', 'description, long', 'price']);
    expect(table.rows).toHaveLength(1000);
    expect(table.rows[7]).toEqual([
      '7',
      'Widget 7',
      'Sturdy widget, model 7\nwith "quotes"',
      '7.50',
    ]);

    const chunks = chunkDocument(doc);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('| id | product | description, long | price |\n')).toBe(true);
      expect(chunk.tokens).toBeLessThanOrEqual(500);
    }
    const rowCount = chunks.reduce((sum, c) => sum + c.text.split('\n').length - 2, 0);
    expect(rowCount).toBe(1000);
  });

  it('reads semicolon-separated files as Excel writes them in much of Europe', async () => {
    const csv = 'Name;Straße;Ort\nMüller;Hauptstraße 1;München\n';
    const doc = await extractDocument({
      bytes: Buffer.from(csv, 'latin1'), // Windows-1252, not UTF-8
      filename: 'kunden.csv',
      mime: 'application/vnd.ms-excel',
    });
    expect(doc.blocks).toEqual([
      {
        kind: 'table',
        header: ['Name', 'Straße', 'Ort'],
        rows: [['Müller', 'Hauptstraße 1', 'München']],
      },
    ]);
  });
});

describe('extractDocument: JSON', () => {
  it('flattens to path: value lines grouped per top-level key', async () => {
    const json = {
      company: 'Acme',
      plans: [
        { name: 'Pro', price: 49, features: ['API', 'SSO'] },
        { name: 'Team', price: null, trial: true },
      ],
      'support hours': { weekdays: '9–17', weekend: {} },
    };
    const doc = await extractDocument({ bytes: utf8(JSON.stringify(json)), filename: 'faq.json' });
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'company: Acme' },
      {
        kind: 'paragraph',
        text: [
          'plans[0].name: Pro',
          'plans[0].price: 49',
          'plans[0].features[0]: API',
          'plans[0].features[1]: SSO',
          'plans[1].name: Team',
          'plans[1].price: null',
          'plans[1].trial: true',
        ].join('\n'),
      },
      {
        kind: 'paragraph',
        text: '["support hours"].weekdays: 9–17\n["support hours"].weekend: {}',
      },
    ]);
  });

  it('groups per element of a top-level array, and reads JSON Lines', async () => {
    const array = await extractDocument({
      bytes: utf8('[{"q":"Refunds?","a":"Within 14 days."},{"q":"Invoices?","a":"Monthly."}]'),
      filename: 'faq.json',
    });
    expect(array.blocks.map((b) => (b.kind === 'paragraph' ? b.text : ''))).toEqual([
      '[0].q: Refunds?\n[0].a: Within 14 days.',
      '[1].q: Invoices?\n[1].a: Monthly.',
    ]);
    const lines = await extractDocument({
      bytes: utf8('{"a":1}\n\n{"a":2}\n'),
      filename: 'x.jsonl',
    });
    expect(lines.blocks).toHaveLength(2);
  });

  it('reports invalid JSON as a fixable error', async () => {
    const error = await extractionFailure(
      extractDocument({ bytes: utf8('{"a": 1,,}'), filename: 'x.json' }),
    );
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^the file is not valid JSON/u);
  });
});

describe('extractDocument: text and languages', () => {
  it('extracts and counts Japanese and German text', async () => {
    const text =
      'Über unsere Größenänderungen: Bitte prüfen Sie die Übersicht.\n\n' +
      '当社のサービスは年中無休でご利用いただけます。お問い合わせはチャットでどうぞ。';
    const doc = await extractDocument({ bytes: utf8(`\uFEFF${text}`), filename: 'notes.txt' });
    expect(doc.title).toBe('notes');
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: 'Über unsere Größenänderungen: Bitte prüfen Sie die Übersicht.' },
      {
        kind: 'paragraph',
        text: '当社のサービスは年中無休でご利用いただけます。お問い合わせはチャットでどうぞ。',
      },
    ]);
    const [chunk] = chunkDocument(doc);
    expect(chunk?.text).toBe(text);
    expect(chunk?.tokens).toBe(countTokens(text));
    // Japanese costs about a token per character or two: far more than a word count suggests.
    expect(countTokens('当社のサービスは年中無休でご利用いただけます。')).toBeGreaterThan(10);
  });

  it('honours the charset an HTML file declares (Shift_JIS here)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('<html><head><meta charset="Shift_JIS"></head><body><p>', 'latin1'),
      Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]), // 日本語 in Shift_JIS
      Buffer.from('</p></body></html>', 'latin1'),
    ]);
    const doc = await extractDocument({ bytes, filename: 'page.html' });
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: '日本語' }]);
  });

  it('reads UTF-16 text with a byte order mark', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Grüße aus Köln', 'utf16le'),
    ]);
    const doc = await extractDocument({ bytes, filename: 'greeting.txt' });
    expect(doc.blocks).toEqual([{ kind: 'paragraph', text: 'Grüße aus Köln' }]);
  });
});
