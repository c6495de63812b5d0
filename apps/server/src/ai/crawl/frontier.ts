import type { RobotsRules } from './robots.js';
import type { Scope } from './scope.js';
import { crawlKey } from './url.js';

/**
 * The crawl's to-do list and memory: every URL is judged once (scope, exclusions,
 * robots.txt), counted once if skipped, and handed out at most once. Handing out is
 * first-in first-out, which with links one level deeper than their page is breadth-first.
 */

export interface FrontierEntry {
  readonly url: URL;
  readonly depth: number;
}

/** What became of a URL a fetched page turned out to be (its redirect target or canonical). */
export type Claim = 'claimed' | 'duplicate' | 'off-scope' | 'excluded' | 'robots';

export interface SkipCounts {
  skippedByRobots: number;
  skippedOffScope: number;
  skippedExcluded: number;
}

type State = 'queued' | 'taken' | 'skipped';

export class Frontier {
  readonly counts: SkipCounts = { skippedByRobots: 0, skippedOffScope: 0, skippedExcluded: 0 };
  readonly #scope: Scope;
  readonly #robots: RobotsRules;
  readonly #maxDepth: number;
  readonly #states = new Map<string, State>();
  readonly #queue: (FrontierEntry & { readonly key: string })[] = [];

  constructor(scope: Scope, robots: RobotsRules, maxDepth: number) {
    this.#scope = scope;
    this.#robots = robots;
    this.#maxDepth = maxDepth;
  }

  /**
   * A discovered URL: queued if new and allowed; counted if skipped. `key` is its crawlKey
   * when the caller has it already.
   */
  offer(url: URL, depth: number, knownKey?: string): void {
    // Too deep is not remembered: the same URL may still turn up nearer the start.
    if (depth > this.#maxDepth) return;
    const key = knownKey ?? crawlKey(url);
    if (this.#states.has(key)) return;
    const verdict = this.#judge(url);
    if (verdict !== undefined) {
      this.#skip(key, verdict);
      return;
    }
    this.#states.set(key, 'queued');
    this.#queue.push({ url, depth, key });
  }

  /** The next URL to fetch, or undefined when nothing waits. */
  take(): FrontierEntry | undefined {
    for (let entry = this.#queue.shift(); entry !== undefined; entry = this.#queue.shift()) {
      // A queued URL may have been claimed meanwhile by a page that redirected to it or
      // named it canonical: that page already stands for it.
      if (this.#states.get(entry.key) !== 'queued') continue;
      this.#states.set(entry.key, 'taken');
      return entry;
    }
    return undefined;
  }

  /** Whether URLs are still waiting (claimed ones left in the queue do not count). */
  get pending(): boolean {
    return this.#queue.some((entry) => this.#states.get(entry.key) === 'queued');
  }

  /**
   * A fetched page says it is `url` (where its redirects ended, or its canonical). The
   * first page to claim a URL stands for it, and the URL is not fetched on its own; a later
   * one is a duplicate. A URL the crawl may not have says why.
   */
  claim(url: URL): Claim {
    const key = crawlKey(url);
    const state = this.#states.get(key);
    if (state === 'taken') return 'duplicate';
    const verdict = this.#judge(url);
    if (verdict !== undefined) {
      if (state === undefined) this.#skip(key, verdict);
      return verdict;
    }
    this.#states.set(key, 'taken');
    return 'claimed';
  }

  #judge(url: URL): Exclude<Claim, 'claimed' | 'duplicate'> | undefined {
    const verdict = this.#scope.verdict(url);
    if (verdict !== 'in-scope') return verdict;
    return this.#robots.isAllowed(url) ? undefined : 'robots';
  }

  #skip(key: string, why: 'off-scope' | 'excluded' | 'robots'): void {
    this.#states.set(key, 'skipped');
    if (why === 'robots') this.counts.skippedByRobots++;
    else if (why === 'off-scope') this.counts.skippedOffScope++;
    else this.counts.skippedExcluded++;
  }
}
