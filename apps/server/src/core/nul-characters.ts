import type { z } from 'zod';

/**
 * The NUL character (U+0000). PostgreSQL's text cannot hold it ("invalid byte sequence"),
 * SQLite's can, and no person types one. Requests carrying one are refused at the HTTP
 * boundary; what a provider delivers (signed, so it cannot be refused without losing the
 * message) has each one replaced by U+FFFD, the character that stands for one that could
 * not be kept; and whatever else reaches a statement has them replaced the same way by the
 * database drivers (storage/dialects/nul-replacing-driver.ts).
 */
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/** Where the first NUL is in a JSON-like value (object keys included), or undefined. */
export function pathOfNulCharacter(value: unknown): string[] | undefined {
  const path: string[] = [];
  return holdsNulCharacter(value, path) ? path.reverse() : undefined;
}

/**
 * Whether `value` holds a NUL; if so, `path` gets the way to it, innermost step first. Clean
 * values (every request) are scanned without building paths.
 */
function holdsNulCharacter(value: unknown, path: string[]): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (typeof value !== 'object' || value === null) return false;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (key.includes(NUL) || holdsNulCharacter(item, path)) {
      path.push(key);
      return true;
    }
  }
  return false;
}

/** `text` with every NUL replaced. */
export function replaceNulCharacters(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, REPLACEMENT) : text;
}

/**
 * `value` with every NUL in its strings and keys replaced, checked again by its schema.
 * Returns `value` itself (no copy, no parse) when it holds none, the usual case.
 */
export function withoutNulCharacters<T>(value: T, schema: z.ZodType<T>): T {
  if (pathOfNulCharacter(value) === undefined) return value;
  return schema.parse(replacedDeep(value));
}

function replacedDeep(value: unknown): unknown {
  if (typeof value === 'string') return replaceNulCharacters(value);
  if (Array.isArray(value)) return value.map(replacedDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [replaceNulCharacters(key), replacedDeep(item)]),
  );
}
