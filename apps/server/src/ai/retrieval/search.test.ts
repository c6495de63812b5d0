import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../storage/database.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import { createKnowledgeBase, indexFile } from '../eval/scratch-kb.js';
import { searchLexical } from './search.js';

const HELP = `# Help

## Refunds
A refund goes back to the original card within fourteen days.

## Delivery
Parcels are delivered in three to five working days.

## Launcher colour
Change the widget launcher colour in the channel's appearance settings.
`;
const OTHER = `# Other shop

## Refunds
Our refund policy: no refund after thirty days, card or cash.
`;

describe.each(DIALECTS)('lexical search on %s', (dialect) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let mine = { accountId: 0, kbId: 0 };
  let theirs = { accountId: 0, kbId: 0 };
  beforeAll(async () => {
    testDatabase = await createTestDatabase(dialect);
    database = testDatabase.open();
    mine = await createKnowledgeBase(database, 'Mine');
    theirs = await createKnowledgeBase(database, 'Theirs');
    const file = (name: string, text: string) => ({
      name,
      bytes: Buffer.from(text),
      mime: 'text/markdown',
    });
    await indexFile(database, mine, file('help.md', HELP));
    await indexFile(database, theirs, file('other.md', OTHER));
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const search = (
    kb: { accountId: number; kbId: number },
    question: string,
    rankingBudget?: number,
  ) =>
    searchLexical(database.db, database.dialect, {
      accountId: kb.accountId,
      knowledgeBaseIds: [kb.kbId],
      question,
      limit: 5,
      rankingBudget,
    });

  it('finds the passage that answers, with its section and its share of the terms', async () => {
    const [best] = await search(mine, 'How long does a refund take to reach my card?');
    expect(best?.section).toContain('Refunds');
    expect(best?.text).toContain('fourteen days');
    expect(best?.score).toBeCloseTo(2 / 5); // refund, card of long, refund, take, reach, card
  });

  it("never returns another knowledge base's or another account's chunks", async () => {
    // "thirty" and "cash" are only in the other shop's text; this knowledge base is most of
    // the index, so its scope is applied after ranking (and must still hold).
    expect(await search(mine, 'thirty cash')).toEqual([]);
    const theirsFound = await search(theirs, 'refund card');
    expect(theirsFound.map((p) => p.text)).toEqual([expect.stringContaining('thirty days')]);
    // Someone else's knowledge base id under my account finds nothing.
    expect(await search({ accountId: mine.accountId, kbId: theirs.kbId }, 'refund')).toEqual([]);
  });

  it('finds the same best passage when the common-terms plan applies', async () => {
    // A budget of one chunk makes every question plan by its rarest terms (SQLite).
    const [planned] = await search(mine, 'change the launcher colour of the widget', 1);
    expect(planned?.section).toContain('Launcher colour');
    const [common] = await search(mine, 'days refund card', 1);
    expect(common?.section).toContain('Refunds');
  });
});
