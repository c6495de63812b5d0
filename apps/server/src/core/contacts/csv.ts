/**
 * RFC 4180 CSV, small enough to own: quoted fields with `""` escapes, commas and line
 * breaks inside quotes, CRLF / LF / CR record ends, a UTF-8 BOM (Excel writes one).
 */

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    /** 1-based number of the record (the header is record 1). */
    readonly record: number,
  ) {
    super(message);
  }
}

/**
 * The records of a CSV text, as arrays of fields. A final line break does not start an
 * empty record; an empty line in between is a record of one empty field. Lenient where
 * spreadsheets are sloppy: a quote inside an unquoted field is literal, and text after a
 * closing quote is kept. An unterminated quote is an error, since it would swallow the
 * rest of the file into one field.
 */
export function* parseCsv(text: string): Generator<string[], void, undefined> {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let record: string[] = [];
  let field = '';
  let recordNumber = 1;
  // Whether anything (even an empty quoted field) was read since the last record ended.
  let open = false;
  let i = 0;
  while (i < input.length) {
    const char = input[i];
    open = char !== '\r' && char !== '\n';
    if (char === '"' && field === '') {
      // A quoted field: runs to the next quote not doubled.
      const start = i;
      i++;
      for (;;) {
        const quote = input.indexOf('"', i);
        if (quote === -1) {
          throw new CsvSyntaxError(
            `unterminated quoted field starting at character ${start + 1}`,
            recordNumber,
          );
        }
        field += input.slice(i, quote);
        if (input[quote + 1] === '"') {
          field += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else if (char === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (char === '\r' || char === '\n') {
      record.push(field);
      yield record;
      record = [];
      field = '';
      recordNumber++;
      i += char === '\r' && input[i + 1] === '\n' ? 2 : 1;
    } else {
      // Plain text up to the next delimiter, in one slice rather than char by char.
      let end = i;
      while (end < input.length && !',\r\n'.includes(input[end] ?? '')) end++;
      field += input.slice(i, end);
      i = end;
    }
  }
  // The last record, unless the text ended with its line break (or was empty).
  if (open) {
    record.push(field);
    yield record;
  }
}

/** Characters that make a spreadsheet read a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes `'` to text a spreadsheet would run as a formula: contact names come from
 * strangers on public channels, and `=HYPERLINK(…)` in an export must stay text.
 */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes `neutralizeFormula`, so an exported file imports back unchanged. */
export function restoreFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** One field, quoted when it holds a delimiter, a quote, a line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record with its CRLF, as RFC 4180 ends lines. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
