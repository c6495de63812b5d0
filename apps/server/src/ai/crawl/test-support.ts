import {
  GuardedHttpClient,
  type GuardedRequestInit,
  type GuardedResponse,
} from '../../security/guarded-fetch.js';
import { crawl, type CrawledPage, type CrawlOptions, type CrawlSummary } from './crawler.js';

/** Tests only: the guarded client, recording every URL the crawler asked it for. */
export class RecordingClient extends GuardedHttpClient {
  readonly urls: string[] = [];
  /** When each fetch started (Date.now()): politeness is about starts. */
  readonly startedAt: number[] = [];

  constructor() {
    super({ allowPrivateNetworks: true });
  }

  override fetch(target: string | URL, init?: GuardedRequestInit): Promise<GuardedResponse> {
    this.urls.push(String(target));
    this.startedAt.push(Date.now());
    return super.fetch(target, init);
  }
}

export interface CrawlRun {
  readonly pages: CrawledPage[];
  readonly summary: CrawlSummary;
  readonly client: RecordingClient;
}

/** Runs a crawl to the end; politeness off unless the test asks for it. */
export async function crawlAll(options: CrawlOptions): Promise<CrawlRun> {
  const client = new RecordingClient();
  const generator = crawl(client, { delayMs: 0, ...options });
  const pages: CrawledPage[] = [];
  for (;;) {
    const next = await generator.next();
    if (next.done === true) return { pages, summary: next.value, client };
    pages.push(next.value);
  }
}

/** The request paths that were pages (not robots.txt or sitemaps). */
export function pageRequests(requests: readonly string[]): string[] {
  return requests.filter((path) => path !== '/robots.txt' && !path.startsWith('/sitemap'));
}
