// CSV/TSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF) to one
// table block whose first row is the header. Excel in many European locales writes ";" as
// the separator, so the delimiter is whichever of , ; tab | is most common on the first line.
import type { Block } from './types.js';

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'];

export function extractCsv(text: string, delimiter?: string): Block[] {
  const source = text.replace(/^\uFEFF/u, '');
  const rows = parseCsv(source, delimiter ?? guessDelimiter(source)).filter((row) =>
    row.some((cell) => cell.trim() !== ''),
  );
  const [header, ...body] = rows;
  if (header === undefined) return [];
  return [
    {
      kind: 'table',
      header: header.map((cell) => cell.trim()),
      rows: body.map((row) => row.map((cell) => cell.trim())),
    },
  ];
}

export function guessDelimiter(text: string): string {
  const firstLine = firstRecordLine(text);
  let best = ',';
  let bestCount = 0;
  for (const candidate of CANDIDATE_DELIMITERS) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

// The first line, outside quotes (a quoted header cell may contain a line break or a comma).
function firstRecordLine(text: string): string {
  let inQuotes = false;
  let line = '';
  for (let i = 0; i < text.length && i < 64 * 1024; i += 1) {
    const char = text.charAt(i);
    if (char === '"') inQuotes = !inQuotes;
    else if ((char === '\n' || char === '\r') && !inQuotes) break;
    else if (!inQuotes) line += char;
  }
  return line;
}

export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const char = text.charAt(i);
    if (inQuotes) {
      if (char === '"') {
        if (text.charAt(i + 1) === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        field += char;
      }
      i += 1;
      continue;
    }
    if (char === '"' && field.trim() === '') {
      // A quote opens a quoted field only at its start; elsewhere it is a literal (lenient,
      // as spreadsheet programs are).
      field = '';
      inQuotes = true;
    } else if (char === delimiter) {
      endField();
    } else if (char === '\n' || char === '\r') {
      endRow();
      if (char === '\r' && text.charAt(i + 1) === '\n') i += 1;
    } else {
      field += char;
    }
    i += 1;
  }
  // A final record without a trailing newline; an unterminated quote keeps what it has.
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
