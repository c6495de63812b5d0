/**
 * Template syntax (used by every text a block sends or stores):
 *
 *   {{ name }}                     a conversation variable (or a declared contact/global one)
 *   {{ order.items.0.title }}      a path into objects and lists (numbers index lists)
 *   {{ contact.name }}             the contact's fields           (namespace `contact`)
 *   {{ conversation.id }}          the conversation's fields      (namespace `conversation`)
 *   {{ channel.type }}             the channel's fields           (namespace `channel`)
 *   {{ global.plan }}              the account's global variables (namespace `global`)
 *   {{ now }}                      the turn's time, ISO 8601 UTC
 *   {{ name | default:"friend" }}  filters, applied left to right; arguments may be quoted
 *
 * Filters: `default:x` (when empty), `upper`, `lower`, `json`, `date:"YYYY-MM-DD HH:mm"`
 * (tokens YYYY MM DD HH mm ss, in UTC, since the engine has no time zone of its own).
 * A missing value renders as the empty string; an unknown filter leaves the value as is, and
 * `validateFlow` is where such mistakes are reported, never at run time.
 */

export interface TemplateScope {
  variables: Record<string, unknown>;
  contact: Record<string, unknown>;
  conversation: Record<string, unknown>;
  channel: Record<string, unknown>;
  globals: Record<string, unknown>;
  now: number;
}

export const NAMESPACES = ['contact', 'conversation', 'channel', 'global', 'now'] as const;
export const FILTERS = ['default', 'upper', 'lower', 'json', 'date'] as const;

const EXPRESSION = /\{\{([^}]*)\}\}/g;

interface Filter {
  name: string;
  arg: string | undefined;
}
interface Expression {
  path: string[];
  filters: Filter[];
}

/** Splits on `|` outside quotes, so `default:"a|b"` stays one filter. */
function splitPipes(source: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const char of source) {
    if (quote !== null) {
      if (char === quote) quote = null;
      current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === '|') {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

function unquote(value: string): string {
  const trimmed = value.trim();
  const first = trimmed[0];
  if ((first === '"' || first === "'") && trimmed.endsWith(first) && trimmed.length >= 2) {
    return trimmed.slice(1, -1);
  }
  return trimmed;
}

function parseExpression(source: string): Expression {
  const [head = '', ...rest] = splitPipes(source);
  const filters = rest.map((part) => {
    const colon = part.indexOf(':');
    if (colon === -1) return { name: part, arg: undefined };
    return { name: part.slice(0, colon).trim(), arg: unquote(part.slice(colon + 1)) };
  });
  return { path: head.split('.').filter((segment) => segment !== ''), filters };
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current)) {
      const index = Number(segment);
      current = Number.isInteger(index) ? current.at(index) : undefined;
    } else if (typeof current === 'object' && current !== null) {
      // Own properties only: a path must never reach `constructor` or `__proto__`.
      const next: unknown = Object.hasOwn(current, segment)
        ? Reflect.get(current, segment)
        : undefined;
      current = next;
    } else return undefined;
  }
  return current;
}

/** The value at a dotted path in the scope, `undefined` when absent. */
export function resolvePath(scope: TemplateScope, path: string | readonly string[]): unknown {
  const segments = typeof path === 'string' ? path.split('.') : path;
  const [root, ...rest] = segments;
  switch (root) {
    case undefined:
      return undefined;
    case 'now':
      return rest.length === 0 ? new Date(scope.now).toISOString() : undefined;
    case 'contact':
      return dig(scope.contact, rest);
    case 'conversation':
      return dig(scope.conversation, rest);
    case 'channel':
      return dig(scope.channel, rest);
    case 'global':
      return dig(scope.globals, rest);
    default:
      return dig(scope.variables, segments);
  }
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** How a value reads as text: strings as they are, numbers and booleans printed, else JSON. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function toDate(value: unknown): Date | null {
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : new Date(parsed);
  }
  return null;
}

export function formatDate(date: Date, format: string): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const tokens: Record<string, string> = {
    YYYY: pad(date.getUTCFullYear(), 4),
    MM: pad(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return format.replace(/YYYY|MM|DD|HH|mm|ss/g, (token) => tokens[token] ?? token);
}

function applyFilter(value: unknown, filter: Filter): unknown {
  switch (filter.name) {
    case 'default':
      return isEmpty(value) ? (filter.arg ?? '') : value;
    case 'upper':
      return toText(value).toUpperCase();
    case 'lower':
      return toText(value).toLowerCase();
    case 'json':
      return JSON.stringify(value ?? null);
    case 'date': {
      const date = toDate(value);
      return date === null ? '' : formatDate(date, filter.arg ?? 'YYYY-MM-DD');
    }
    default:
      return value;
  }
}

function evaluateExpression(source: string, scope: TemplateScope): unknown {
  const expression = parseExpression(source);
  return expression.filters.reduce(applyFilter, resolvePath(scope, expression.path));
}

/** Renders a template to text. */
export function render(template: string, scope: TemplateScope): string {
  return template.replace(EXPRESSION, (_match, source: string) =>
    toText(evaluateExpression(source, scope)),
  );
}

/**
 * Like `render`, but a template that is exactly one expression yields the raw value, so
 * `{{cart.items}}` copies a list into another variable instead of its JSON text.
 */
export function evaluate(template: string, scope: TemplateScope): unknown {
  const single = /^\s*\{\{([^}]*)\}\}\s*$/.exec(template);
  if (single?.[1] !== undefined) return evaluateExpression(single[1], scope);
  return render(template, scope);
}

/** Every expression of a template, for validation: the path and the filter names. */
export function templateReferences(template: string): { path: string[]; filters: string[] }[] {
  return [...template.matchAll(EXPRESSION)].map((match) => {
    const expression = parseExpression(match[1] ?? '');
    return { path: expression.path, filters: expression.filters.map((filter) => filter.name) };
  });
}
