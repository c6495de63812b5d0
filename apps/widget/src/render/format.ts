/**
 * The chat text formatter: WhatsApp-style `*bold*`, `_italic_`, `~strike~`, `` `code` ``,
 * http(s) links and line breaks, as a token tree the renderer turns into elements. A pure
 * function over plain text: nothing here ever becomes HTML markup.
 */
export type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'br' }
  | { readonly kind: 'link'; readonly href: string; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'bold' | 'italic' | 'strike'; readonly children: readonly Token[] };

const MARKS = { '*': 'bold', _: 'italic', '~': 'strike' } as const;
type Mark = keyof typeof MARKS;
const isMark = (ch: string): ch is Mark => Object.hasOwn(MARKS, ch);

const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
const URL_AT = /https?:\/\/[^\s<>"]+/iy;
const TRAILING = /[.,;:!?'"]/;

export function formatText(text: string): Token[] {
  return text.split(/\r?\n/).flatMap((line, i): Token[] => {
    const tokens = inline(line);
    return i === 0 ? tokens : [{ kind: 'br' }, ...tokens];
  });
}

function inline(line: string): Token[] {
  const out: Token[] = [];
  let plain = '';
  const push = (token: Token) => {
    if (plain !== '') out.push({ kind: 'text', text: plain });
    plain = '';
    out.push(token);
  };
  let i = 0;
  while (i < line.length) {
    const ch = line.charAt(i);
    // Marks and links start a word: "snake_case" and "a*b*c" stay as typed.
    const atWordStart = !WORD.test(line.charAt(i - 1));
    if (ch === '`') {
      const end = line.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ kind: 'code', text: line.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (atWordStart && isMark(ch)) {
      const end = closing(line, i, ch);
      if (end !== -1) {
        push({ kind: MARKS[ch], children: inline(line.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (atWordStart && (ch === 'h' || ch === 'H')) {
      URL_AT.lastIndex = i;
      const url = trimUrl(URL_AT.exec(line)?.[0] ?? '');
      if (/^https?:\/\/\S/i.test(url)) {
        push({ kind: 'link', href: url, text: url });
        i += url.length;
        continue;
      }
    }
    plain += ch;
    i += 1;
  }
  if (plain !== '') out.push({ kind: 'text', text: plain });
  return out;
}

/** Where a mark opened at `start` closes: before a word boundary, after a non-space. */
function closing(line: string, start: number, mark: Mark): number {
  const first = line.charAt(start + 1);
  if (first === '' || first === mark || SPACE.test(first)) return -1;
  for (let j = start + 2; j < line.length; j += 1) {
    if (
      line.charAt(j) === mark &&
      !SPACE.test(line.charAt(j - 1)) &&
      !WORD.test(line.charAt(j + 1))
    ) {
      return j;
    }
  }
  return -1;
}

const count = (text: string, ch: string) => text.split(ch).length - 1;

/** Drops sentence punctuation and an unbalanced closing bracket after a link. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const head = url.slice(0, end);
    const last = head.charAt(end - 1);
    const unbalanced =
      (last === ')' && count(head, '(') < count(head, ')')) ||
      (last === ']' && count(head, '[') < count(head, ']'));
    if (!TRAILING.test(last) && !unbalanced) return head;
    end -= 1;
  }
}
