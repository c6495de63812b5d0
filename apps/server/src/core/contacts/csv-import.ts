import { DomainError, isDomainError } from '../errors/domain-error.js';
import {
  contactVariablesSchema,
  type ContactInput,
  type ContactVariables,
} from './contact-fields.js';
import type { UpsertItemResult } from './contact-upsert.js';
import { CsvSyntaxError, parseCsv, restoreFormula } from './csv.js';

export interface CsvImportReport {
  readonly created: number;
  readonly updated: number;
  /** Rows that were not imported; `row` counts records from 1 (the header). */
  readonly failed: readonly { readonly row: number; readonly error: string }[];
}

/** Columns of an export that describe the stored row, not input: skipped on import. */
const READ_ONLY_COLUMNS = new Set(['id', 'key', 'blocked', 'created_at', 'updated_at']);
const FIELD_COLUMNS = new Set(['name', 'email', 'phone', 'external_key', 'variables']);

type UpsertMany = (inputs: readonly ContactInput[]) => Promise<UpsertItemResult[]>;

/** Rows handed to the bulk upsert at once: bounds memory whatever the file's size. */
const ROWS_PER_BATCH = 500;

/**
 * Imports contacts from CSV text: a header row naming the columns (`name`, `email`,
 * `phone`, and optionally `external_key` and `variables` as a JSON object, so an export
 * imports back), every other column a variable. Rows are upserted like the API's bulk
 * upsert: each on its own, so a bad row is reported and the rest go on. Blank rows are
 * skipped.
 */
export async function importContactsCsv(
  upsertMany: UpsertMany,
  text: string,
): Promise<CsvImportReport> {
  const records = parseCsv(text);
  const header = readHeader(firstRecord(records));
  const report = { created: 0, updated: 0, failed: [] as { row: number; error: string }[] };
  let pending: { row: number; input: ContactInput }[] = [];
  const flush = async () => {
    const results = await upsertMany(pending.map(({ input }) => input));
    results.forEach((result, index) => {
      if (result.ok) report[result.created ? 'created' : 'updated']++;
      else report.failed.push({ row: pending[index]?.row ?? 0, error: result.error.message });
    });
    pending = [];
  };
  let row = 1;
  for (;;) {
    let next: IteratorResult<string[], void>;
    try {
      next = records.next();
    } catch (error) {
      // Past a broken quote nothing can be trusted; the rows before it are imported.
      if (!(error instanceof CsvSyntaxError)) throw error;
      report.failed.push({ row: error.record, error: `Invalid CSV: ${error.message}` });
      break;
    }
    if (next.done === true) break;
    row++;
    const cells = next.value.map((cell) => restoreFormula(cell.trim()));
    if (cells.every((cell) => cell === '')) continue;
    try {
      pending.push({ row, input: rowInput(header, cells) });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      report.failed.push({ row, error: error.message });
    }
    if (pending.length >= ROWS_PER_BATCH) await flush();
  }
  await flush();
  report.failed.sort((a, b) => a.row - b.row);
  return report;
}

function firstRecord(records: Generator<string[], void, undefined>): string[] {
  try {
    const first = records.next();
    return first.done === true ? [] : first.value;
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw csvError(`Invalid CSV: ${error.message}`);
    throw error;
  }
}

/** Column names, lower-cased and trimmed; '' for a column without a name (ignored). */
function readHeader(record: readonly string[]): string[] {
  const names = record.map((name) => restoreFormula(name.trim()).toLowerCase());
  if (!names.includes('email') && !names.includes('phone')) {
    throw csvError('The CSV needs a header row with an "email" or "phone" column.');
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (name !== '' && seen.has(name)) throw csvError(`The CSV has two "${name}" columns.`);
    seen.add(name);
  }
  return names;
}

function rowInput(header: readonly string[], cells: readonly string[]): ContactInput {
  if (cells.slice(header.length).some((cell) => cell !== '')) {
    throw new DomainError('BAD_REQUEST', {
      message: `The row has ${cells.length} fields but the header only ${header.length}.`,
    });
  }
  const fields = new Map<string, string>();
  let variables: ContactVariables = {};
  header.forEach((name, index) => {
    const value = cells[index] ?? '';
    // An empty cell means "nothing to say", not "erase": it never clears a stored value.
    if (name === '' || value === '' || READ_ONLY_COLUMNS.has(name)) return;
    if (name === 'variables') variables = { ...parseVariables(value), ...variables };
    else if (FIELD_COLUMNS.has(name)) fields.set(name, value);
    else variables[name] = value;
  });
  return {
    name: fields.get('name'),
    email: fields.get('email'),
    phone: fields.get('phone'),
    externalKey: fields.get('external_key'),
    variables: Object.keys(variables).length > 0 ? variables : undefined,
  };
}

function parseVariables(value: string): ContactVariables {
  let document: unknown;
  try {
    document = JSON.parse(value);
  } catch {
    document = undefined;
  }
  const parsed = contactVariablesSchema.safeParse(document);
  if (!parsed.success) {
    throw new DomainError('BAD_REQUEST', {
      message: '"variables" must be a JSON object of names to strings, numbers or booleans',
    });
  }
  return parsed.data;
}

function csvError(message: string): DomainError {
  return new DomainError('BAD_REQUEST', { message });
}
