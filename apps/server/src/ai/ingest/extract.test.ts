import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk.js';
import { ExtractionError, extractDocument, MAX_SOURCE_BYTES } from './extract.js';
import { extractionFailure } from './test-fixtures.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

const handbook = `---
title: Support Handbook
---
# Support

Intro to **support** at [Acme](https://acme.example).

## Channels

- Email: replies within 4 hours
- Chat: 9–17 CET
  - Weekends: bots only
- Phone: *enterprise* plans

## Escalation

| Level | Who | When |
|---|---|---|
| L1 | Agent | always |
| L2 | Engineer | bugs \\| outages |

\`\`\`bash
curl https://status.acme.example
\`\`\`

# Billing
Invoices are monthly &amp; in EUR.
`;

describe('extractDocument: Markdown', () => {
  it('keeps headings, lists, tables and code as blocks', async () => {
    const doc = await extractDocument({ bytes: utf8(handbook), filename: 'handbook.md' });
    expect(doc.title).toBe('Support Handbook');
    expect(doc.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Support' },
      { kind: 'paragraph', text: 'Intro to support at Acme.' },
      { kind: 'heading', level: 2, text: 'Channels' },
      {
        kind: 'list',
        items: [
          'Email: replies within 4 hours',
          'Chat: 9–17 CET',
          '  Weekends: bots only',
          'Phone: enterprise plans',
        ],
      },
      { kind: 'heading', level: 2, text: 'Escalation' },
      {
        kind: 'table',
        header: ['Level', 'Who', 'When'],
        rows: [
          ['L1', 'Agent', 'always'],
          ['L2', 'Engineer', 'bugs | outages'],
        ],
      },
      { kind: 'code', text: 'curl https://status.acme.example' },
      { kind: 'heading', level: 1, text: 'Billing' },
      { kind: 'paragraph', text: 'Invoices are monthly & in EUR.' },
    ]);
  });

  it('chunks into sections with heading paths, never splitting a list that fits', async () => {
    const doc = await extractDocument({ bytes: utf8(handbook), filename: 'handbook.md' });
    const chunks = chunkDocument(doc);
    expect(chunks.map((c) => c.section)).toEqual([
      'Support',
      'Support > Channels',
      'Support > Escalation',
      'Billing',
    ]);
    expect(chunks[1]?.text).toBe(
      '- Email: replies within 4 hours\n- Chat: 9–17 CET\n  - Weekends: bots only\n- Phone: enterprise plans',
    );
    expect(chunks[2]?.text).toContain(
      '| L2 | Engineer | bugs \\| outages |\n\ncurl https://status',
    );
  });
});

describe('extractDocument: type detection and refusals', () => {
  it('refuses an unsupported type with a message naming the supported ones', async () => {
    const error = await extractionFailure(
      extractDocument({
        bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]),
        filename: 'photo.xyz',
      }),
    );
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error.code).toBe('unsupported');
    expect(error.message).toBe(
      'unsupported file type .xyz: use PDF, DOCX, TXT, Markdown, CSV, HTML or JSON',
    );
  });

  it('refuses a file over the size limit before reading it', async () => {
    const error = await extractionFailure(
      extractDocument({ bytes: Buffer.alloc(MAX_SOURCE_BYTES + 1, 0x61), filename: 'big.txt' }),
    );
    expect(error.code).toBe('too_large');
    expect(error.message).toBe(
      'the file is too large (20.0 MiB, over the 20 MiB limit): split it into smaller files',
    );
  });

  it('refuses empty files and files with no text', async () => {
    expect(
      (await extractionFailure(extractDocument({ bytes: Buffer.alloc(0), filename: 'a.txt' })))
        .code,
    ).toBe('empty');
    const blank = await extractionFailure(
      extractDocument({ bytes: utf8(' \n\n '), filename: 'a.md' }),
    );
    expect(blank.message).toMatch(/^no extractable text/u);
  });

  it('prefers a specific MIME type, then the extension, then the content', async () => {
    const markdown = utf8('# Title\n\n- a\n- b');
    // Browsers often label .md uploads text/plain: the extension wins over a generic type.
    const md = await extractDocument({ bytes: markdown, filename: 'x.md', mime: 'text/plain' });
    expect(md.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Title' });
    const html = await extractDocument({
      bytes: utf8('<h1>Hi</h1><p>there</p>'),
      filename: 'download',
      mime: 'text/html; charset=utf-8',
    });
    expect(html.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Hi' },
      { kind: 'paragraph', text: 'there' },
    ]);
    const sniffed = await extractDocument({
      bytes: utf8('<!DOCTYPE html><title>Page</title><p>Body</p>'),
      filename: 'upload',
    });
    expect(sniffed).toEqual({ title: 'Page', blocks: [{ kind: 'paragraph', text: 'Body' }] });
  });
});
