import { describe, expect, it } from 'vitest';
import type { GuardedResponse } from '../../security/guarded-fetch.js';
import { loadRobots, type Get } from './discover.js';
import type { FetchResult } from './fetch-page.js';

const UA = 'ParleyBot/1.0';
const answer = (status: number, text = ''): FetchResult => {
  const response: GuardedResponse = {
    status,
    headers: {},
    url: 'https://example.com/robots.txt',
    body: Buffer.from(text),
    truncated: false,
    text: () => text,
  };
  return { kind: 'response', response };
};
const getting =
  (result: FetchResult): Get =>
  () =>
    Promise.resolve(result);
const page = new URL('https://example.com/docs/');

describe('loadRobots', () => {
  it('honours a robots.txt that was served', async () => {
    const outcome = await loadRobots(
      getting(answer(200, 'User-agent: *\nDisallow: /docs/\n')),
      'https://example.com',
      UA,
      1024,
    );
    expect(outcome.kind === 'rules' && outcome.rules.isAllowed(page)).toBe(false);
  });

  it('allows everything when there is no robots.txt (4xx)', async () => {
    const outcome = await loadRobots(getting(answer(404)), 'https://example.com', UA, 1024);
    expect(outcome.kind === 'rules' && outcome.rules.isAllowed(page)).toBe(true);
  });

  it('reports a robots.txt the server failed to serve, saying why nothing was crawled', async () => {
    const broken = await loadRobots(getting(answer(503)), 'https://example.com', UA, 1024);
    expect(broken).toMatchObject({ kind: 'unreachable', url: 'https://example.com/robots.txt' });
    expect(broken.kind === 'unreachable' ? broken.error : '').toMatch(
      /^robots\.txt could not be read \(HTTP 503\)/,
    );
    const silent = await loadRobots(
      getting({ kind: 'failed', error: 'timed out after 15 s' }),
      'https://example.com',
      UA,
      1024,
    );
    expect(silent.kind === 'unreachable' ? silent.error : '').toContain('timed out after 15 s');
  });
});
