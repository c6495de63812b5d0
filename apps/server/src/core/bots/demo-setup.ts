import { readFileSync } from 'node:fs';
import { KnowledgeBases } from '../../ai/knowledge-bases.js';
import { demoBots, demoFilePath } from '../../engine/demo/demo.js';
import type { Services } from '../../runtime.js';
import { BotsService } from './bots-service.js';
import type { ServiceContext } from '../context.js';

export interface DemoWorkspace {
  readonly channelId: number;
  readonly botIds: readonly number[];
  /** The first demo bot's public keys: the widget demo page and the draft preview. */
  readonly botKey: string;
  readonly previewKey: string;
  /** Every demo bot's title and keys. */
  readonly bots: readonly { title: string; botKey: string; previewKey: string }[];
}

/**
 * What a first start adds so Parley does something out of the box: a "Support" team (the
 * demo bots hand over to it), a sandbox web channel, a "Parley FAQ" knowledge base, and the
 * demo bots (lead capture, widget tour, FAQ assistant), deployed on the web and API channels.
 */
export async function installDemo(
  context: ServiceContext,
  services: Services,
  accountId: number,
  adminUserId: number,
): Promise<DemoWorkspace> {
  await services.teams.create(accountId, {
    name: 'Support',
    description: 'Where the demo bot hands conversations over.',
    memberIds: [adminUserId],
  });
  const channel = await services.channels.create(accountId, {
    type: 'web',
    provider: 'sandbox',
    name: 'Demo sandbox',
  });
  // The FAQ assistant answers from this knowledge base; it trains once the workers run.
  const knowledge = new KnowledgeBases(context);
  const faq = await knowledge.create(accountId, 'Parley FAQ', adminUserId);
  await knowledge.addSources(
    accountId,
    faq.id,
    [
      {
        type: 'text',
        name: 'Parley FAQ',
        source: readFileSync(demoFilePath('parley-faq.md'), 'utf8'),
      },
    ],
    adminUserId,
  );
  const bots = new BotsService(context);
  const botIds: number[] = [];
  const keys: { title: string; botKey: string; previewKey: string }[] = [];
  for (const demo of demoBots()) {
    const bot = await bots.create(accountId, {
      title: demo.title,
      channelTypes: ['WEB', 'API'],
      ownerUserId: adminUserId,
    });
    await bots.deploy(accountId, bot.id, demo.flow, adminUserId);
    botIds.push(bot.id);
    keys.push({ title: demo.title, botKey: bot.bot_key, previewKey: bot.preview_key });
  }
  const [first] = keys;
  if (first === undefined) throw new Error('no demo bots');
  return {
    channelId: channel.id,
    botIds,
    botKey: first.botKey,
    previewKey: first.previewKey,
    bots: keys,
  };
}
