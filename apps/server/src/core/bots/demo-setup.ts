import { demoBots } from '../../engine/demo/demo.js';
import type { Services } from '../../runtime.js';
import { BotsService } from './bots-service.js';
import type { ServiceContext } from '../context.js';

export interface DemoWorkspace {
  readonly channelId: number;
  readonly botIds: readonly number[];
}

/**
 * What a first start adds so Parley does something out of the box: a "Support" team (the
 * demo bot hands over to it), a sandbox web channel to talk to the bot before the widget exists,
 * and the demo bots, deployed on that channel.
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
  const bots = new BotsService(context);
  const botIds: number[] = [];
  for (const demo of demoBots()) {
    const bot = await bots.create(accountId, {
      title: demo.title,
      channelTypes: ['WEB', 'API'],
      ownerUserId: adminUserId,
    });
    await bots.deploy(accountId, bot.id, demo.flow, adminUserId);
    botIds.push(bot.id);
  }
  return { channelId: channel.id, botIds };
}
