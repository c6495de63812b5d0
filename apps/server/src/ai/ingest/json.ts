// JSON to "path: value" lines, one paragraph block per top-level key or array element, so a
// record (a product, an FAQ entry) stays together in one chunk and every value carries the
// path that says what it is ("plans[0].price: 49").

import type { Block } from './types.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/u;

/** Parses and flattens; throws SyntaxError on invalid JSON. */
export function extractJson(text: string): Block[] {
  return flattenJson(parseJson(text.replace(/^\uFEFF/u, '')));
}

/** JSON Lines: one value per non-empty line, flattened like the elements of an array. */
export function extractJsonLines(text: string): Block[] {
  const values = text
    .replace(/^\uFEFF/u, '')
    .split(/\r?\n/u)
    .filter((line) => line.trim() !== '')
    .map((line) => parseJson(line));
  return flattenJson(values);
}

function parseJson(text: string): unknown {
  return JSON.parse(text);
}

export function flattenJson(value: unknown): Block[] {
  const groups: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index): [string, unknown] => [`[${index}]`, item])
    : isObject(value)
      ? Object.entries(value).map(([key, item]): [string, unknown] => [keyPath('', key), item])
      : [['', value]];
  const blocks: Block[] = [];
  for (const [path, item] of groups) {
    const lines = flattenValue(path, item);
    if (lines.length > 0) blocks.push({ kind: 'paragraph', text: lines.join('\n') });
  }
  return blocks;
}

// Depth-first with an explicit stack: a deeply nested file must not overflow the call stack.
function flattenValue(rootPath: string, root: unknown): string[] {
  const lines: string[] = [];
  const stack: [string, unknown][] = [[rootPath, root]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [path, value] = entry;
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(line(path, '[]'));
      for (let i = value.length - 1; i >= 0; i -= 1) {
        stack.push([`${path}[${i}]`, value[i] ?? null]);
      }
    } else if (isObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) lines.push(line(path, '{}'));
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i] ?? ['', null];
        stack.push([keyPath(path, key), child]);
      }
    } else {
      const text =
        typeof value === 'string' ? value.replace(/\s+/gu, ' ').trim() : JSON.stringify(value);
      lines.push(line(path, text));
    }
  }
  return lines;
}

function line(path: string, value: string): string {
  return path === '' ? value : `${path}: ${value}`;
}

function keyPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
