/**
 * robots.txt as RFC 9309 reads it: the groups naming our product token apply (merged),
 * else the `*` groups; the longest matching Allow/Disallow pattern wins and Allow wins a
 * tie; `*` matches any run of characters and a final `$` anchors the end. Crawl-delay
 * (not in the RFC, but what site owners write to slow crawlers) and Sitemap lines are read
 * too. Written here rather than taken from a package: it is small, and the popular one's
 * typings do not load under NodeNext.
 */

export interface RobotsRules {
  isAllowed(url: URL): boolean;
  /** Seconds, from our group's Crawl-delay line. */
  readonly crawlDelaySeconds: number | undefined;
  /** As written (absolute URLs, possibly on other hosts). */
  readonly sitemaps: readonly string[];
}

interface Rule {
  readonly allow: boolean;
  readonly length: number;
  readonly pattern: RegExp;
}

interface Group {
  readonly agents: string[];
  readonly rules: Rule[];
  crawlDelay: number | undefined;
}

/** RFC 9309 asks crawlers to read at least 500 KiB; past that a file is cut off. */
export const ROBOTS_MAX_BYTES = 512 * 1024;

export const ALLOW_ALL: RobotsRules = {
  isAllowed: () => true,
  crawlDelaySeconds: undefined,
  sitemaps: [],
};

/** `ParleyBot/1.0 (+https://…)` → `parleybot`: robots.txt groups name the product token. */
export function productToken(userAgent: string): string {
  return (userAgent.trim().split(/[/\s]/)[0] ?? '').toLowerCase();
}

export function parseRobots(text: string, userAgent: string): RobotsRules {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const match = /^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*$/.exec(line.replace(/#.*/, ''));
    if (match === null) continue;
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (key === 'sitemap') {
      if (value !== '') sitemaps.push(value);
      continue;
    }
    if (key === 'user-agent') {
      // Consecutive User-agent lines share one group; one after a rule starts the next.
      if (current === undefined || !lastWasAgent) {
        current = { agents: [], rules: [], crawlDelay: undefined };
        groups.push(current);
      }
      current.agents.push(productToken(value));
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (current === undefined) continue; // rules before any User-agent belong to no one
    if ((key === 'allow' || key === 'disallow') && value !== '') {
      current.rules.push(compileRule(key === 'allow', value));
    } else if (key === 'crawl-delay') {
      const seconds = Number(value);
      if (value !== '' && Number.isFinite(seconds) && seconds >= 0) current.crawlDelay = seconds;
    }
  }
  const token = productToken(userAgent);
  const ours = groups.filter((group) => group.agents.includes(token));
  const chosen = ours.length > 0 ? ours : groups.filter((group) => group.agents.includes('*'));
  const rules = chosen.flatMap((group) => group.rules);
  const delays = chosen.flatMap((group) =>
    group.crawlDelay === undefined ? [] : [group.crawlDelay],
  );
  return {
    isAllowed: (url) => isAllowed(rules, url),
    crawlDelaySeconds: delays.length > 0 ? Math.max(...delays) : undefined,
    sitemaps,
  };
}

function isAllowed(rules: readonly Rule[], url: URL): boolean {
  const target = url.pathname + url.search;
  if (url.pathname === '/robots.txt') return true;
  let best: Rule | undefined;
  for (const rule of rules) {
    if (!rule.pattern.test(target)) continue;
    const better =
      best === undefined ||
      rule.length > best.length ||
      (rule.length === best.length && rule.allow && !best.allow);
    if (better) best = rule;
  }
  return best?.allow ?? true;
}

/**
 * Patterns are compared with the URL's path as the URL parser writes it: percent-encoded,
 * upper-case hex. A pattern written with raw UTF-8 or lower-case escapes is brought to that
 * form first, or `Disallow: /über/` would never match `/%C3%BCber/`.
 */
function compileRule(allow: boolean, raw: string): Rule {
  const encoded = raw
    .replace(/[^\x20-\x7e]+/gu, (text) => encodeURIComponent(text))
    .replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
  const anchored = encoded.endsWith('$');
  const body = anchored ? encoded.slice(0, -1) : encoded;
  const source = body
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return {
    allow,
    length: encoded.length,
    pattern: new RegExp(`^${source}${anchored ? '$' : ''}`, 's'),
  };
}
