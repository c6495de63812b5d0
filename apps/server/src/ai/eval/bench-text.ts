// Deterministic documentation-like text for the knowledge-base benchmark (bench-kb.ts,
// bench-site.ts): a word-bigram chain trained on the evaluation corpus (Parley's own docs)
// gives English with a support product's vocabulary and its natural word frequencies, and
// a long tail of made-up product terms (Zipf-distributed, a handful per page) gives the
// rare words real knowledge bases are full of. Everything comes from a seeded generator, so
// every run builds the same site, chunks and questions.
import fs from 'node:fs';
import path from 'node:path';

const CORPUS = path.join(import.meta.dirname, 'corpus');

/** Function words questions are not made of (retrieval drops most of them anyway). */
const STOP_WORDS = new Set(
  (
    'the and are for from has have how its not that the their there these this was what when ' +
    'where which who why will with you your can does into than then them they but also only ' +
    'each any all its our out may must'
  ).split(' '),
);

/** mulberry32: small, fast, good enough for test data. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const SYLLABLES = (
  'ka ri to na mi lo ve sa tor lin dex mar quo zen vor pel tri nax sul bar ' +
  'co fi gra hul jo ke lum mo nor pra qui rho sef tam ul vix wen xo yar zul'
).split(' ');

/** Made-up product terms (feature names, error codes, SKUs): the vocabulary's long tail. */
function pseudoWords(random: Random, count: number): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    const parts = random.int(2, 4);
    let word = '';
    for (let i = 0; i < parts; i++) word += random.pick(SYLLABLES);
    if (random.chance(0.05)) word += String(random.int(2, 99));
    words.add(word);
  }
  return [...words];
}

/** Cumulative Zipf weights (exponent s) for ranks 1..n. */
function zipfTable(n: number, s: number): Float64Array {
  const table = new Float64Array(n);
  let sum = 0;
  for (let rank = 1; rank <= n; rank++) {
    sum += 1 / rank ** s;
    table[rank - 1] = sum;
  }
  for (let i = 0; i < n; i++) table[i] = (table[i] ?? 0) / sum;
  return table;
}

function sampleIndex(table: Float64Array, u: number): number {
  let low = 0;
  let high = table.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((table[mid] ?? 1) < u) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Each corpus file as a stream of lower-cased words and sentence punctuation. */
function corpusTokens(): string[][] {
  const files = fs
    .readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  return files.map((file) => {
    const prose = fs
      .readFileSync(file, 'utf8')
      .replace(/```[\s\S]*?```/g, ' ') // code blocks
      .replace(/\]\([^)]*\)/g, ']') // link targets
      .replace(/https?:\/\/\S+/g, ' ');
    const tokens: string[] = [];
    for (const match of prose.matchAll(/[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d+|[.?!,;:]/g))
      tokens.push(match[0].toLowerCase());
    return tokens;
  });
}

const PUNCTUATION = new Set(['.', '?', '!', ',', ';', ':']);
const ENDS = new Set(['.', '?', '!']);

/** A word-bigram chain: successors with repetition, so picks follow the corpus's frequencies. */
interface Chain {
  readonly next: Map<string, string[]>;
  readonly starts: string[];
  readonly content: string[];
}

function chainOf(tokens: readonly string[]): Chain {
  const next = new Map<string, string[]>();
  const starts: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const word = tokens[i] ?? '';
    const following = tokens[i + 1] ?? '';
    let list = next.get(word);
    if (list === undefined) next.set(word, (list = []));
    list.push(following);
    if (ENDS.has(word) && !PUNCTUATION.has(following)) starts.push(following);
  }
  const content = tokens.filter(
    (token) => token.length > 2 && !PUNCTUATION.has(token) && !STOP_WORDS.has(token),
  );
  return { next, starts, content };
}

export interface TextGenerator {
  readonly random: Random;
  /**
   * A theme: one corpus file, chosen in proportion to its size. Text with a theme draws most
   * sentences and words from that file's own chain, so pages are about something (a word
   * like "whatsapp" is frequent on some pages and absent from most), as real pages are.
   */
  theme(): number;
  /** One sentence, capitalised and ending with a full stop. */
  sentence(topic?: readonly string[], theme?: number): string;
  /** Sentences until about `words` words. */
  paragraph(words: number, topic?: readonly string[], theme?: number): string;
  /** A few capitalised words, for titles and headings. */
  title(min: number, max: number, topic?: readonly string[], theme?: number): string;
  /** A page's or source's own rare terms: Zipf-distributed over the long-tail vocabulary. */
  topic(size: number): string[];
  /** A content word (no stop word), as frequent as it is in the corpus (or the theme). */
  contentWord(theme?: number): string;
}

/** The share of a themed text that comes from its theme's chain (the rest: the whole corpus). */
const THEME_SHARE = 0.95;

export function createTextGenerator(seed: number, longTail = 30_000): TextGenerator {
  const random = new Random(seed);
  const files = corpusTokens();
  const global = chainOf(files.flat());
  const themes = files.map(chainOf);
  const themeWeights = new Float64Array(files.length);
  let sum = 0;
  files.forEach((tokens, i) => (themeWeights[i] = sum += tokens.length));
  for (let i = 0; i < files.length; i++) themeWeights[i] = (themeWeights[i] ?? 0) / sum;
  const tail = pseudoWords(random, longTail);
  const zipf = zipfTable(tail.length, 1.05);

  const chainFor = (theme: number | undefined): Chain => {
    if (theme === undefined || !random.chance(THEME_SHARE)) return global;
    const chain = themes[theme];
    return chain === undefined || chain.starts.length === 0 ? global : chain;
  };
  const sentence = (topic?: readonly string[], theme?: number): string => {
    const chain = chainFor(theme);
    const length = random.int(8, 26);
    const words: string[] = [];
    let word = random.pick(chain.starts);
    while (words.length < length) {
      if (ENDS.has(word)) break;
      const replace = topic !== undefined && topic.length > 0 && word.length > 4;
      words.push(replace && random.chance(0.2) ? random.pick(topic) : word);
      const options = chain.next.get(word);
      word = options === undefined ? '.' : random.pick(options);
    }
    let text = '';
    for (const token of words) {
      if (PUNCTUATION.has(token)) text += token;
      else text += text === '' ? token : ` ${token}`;
    }
    text = text.replace(/[,;:]+$/, '');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = (words: number, topic?: readonly string[], theme?: number): string => {
    const sentences: string[] = [];
    let count = 0;
    while (count < words) {
      const next = sentence(topic, theme);
      sentences.push(next);
      count += next.split(' ').length;
    }
    return sentences.join(' ');
  };
  const contentWord = (theme?: number): string => random.pick(chainFor(theme).content);
  const title = (min: number, max: number, topic?: readonly string[], theme?: number): string => {
    const words: string[] = [];
    const length = random.int(min, max);
    while (words.length < length) {
      const word =
        topic !== undefined && topic.length > 0 && random.chance(0.3)
          ? random.pick(topic)
          : contentWord(theme);
      words.push(words.length === 0 ? `${word.charAt(0).toUpperCase()}${word.slice(1)}` : word);
    }
    return words.join(' ');
  };
  const topic = (size: number): string[] => {
    const words: string[] = [];
    for (let i = 0; i < size; i++) words.push(tail[sampleIndex(zipf, random.next())] ?? 'x');
    return words;
  };
  return {
    random,
    theme: () => sampleIndex(themeWeights, random.next()),
    sentence,
    paragraph,
    title,
    topic,
    contentWord,
  };
}

/** Questions a user might ask: frequent domain words, often a rare term, now and then a typo. */
export function generateQuestions(text: TextGenerator, count: number): string[] {
  const { random } = text;
  const templates = [
    (w: string[]) => `How do I ${w.join(' ')}?`,
    (w: string[]) => `Why does ${w.join(' ')} not work?`,
    (w: string[]) => `What happens to the ${w.join(' ')}?`,
    (w: string[]) => `Can I change ${w.join(' ')}`,
    (w: string[]) => `${w.join(' ')} error`,
    (w: string[]) => `Where do I set up ${w.join(' ')}?`,
    (w: string[]) => `is there a way to ${w.join(' ')} for my team`,
    (w: string[]) => w.join(' '),
  ];
  const questions: string[] = [];
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    const size = random.int(2, 7);
    const theme = text.theme();
    for (let j = 0; j < size; j++) words.push(text.contentWord(theme));
    if (random.chance(0.35)) words.splice(random.int(0, words.length), 0, ...text.topic(1));
    if (random.chance(0.1)) {
      const index = random.int(0, words.length - 1);
      const word = words[index] ?? '';
      if (word.length > 4) {
        const cut = random.int(1, word.length - 2);
        words[index] = word.slice(0, cut) + word.slice(cut + 1);
      }
    }
    questions.push(random.pick(templates)(words));
  }
  return questions;
}
