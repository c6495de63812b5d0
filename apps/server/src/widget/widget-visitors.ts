import type { WidgetConfig } from '@parley/protocol';
import { z } from 'zod';
import { freezePreview, PREVIEW_CHANNEL_PREFIX } from '../core/bots/bot-preview.js';
import { wotnotChannelName } from '../core/bots/bot-selection.js';
import type { ChannelsService } from '../core/channels/channels-service.js';
import type { ServiceContext } from '../core/context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { MAX_UPLOAD_BYTES } from '../core/media/media-store.js';
import type { BotRow, ChannelRow } from '../storage/schema-conversations.js';
import { inTransaction } from '../storage/transaction.js';
import { parseWebChannelConfig } from './web-channel-config.js';
import type { Visitor, VisitorTokens } from './visitor-token.js';

const channelTypes = z.array(z.string()).catch([]);

/** Who the widget talks for: a bot (by its public key) or a bot's draft (by preview key). */
export type WidgetKey = { readonly botKey: string } | { readonly previewKey: string };

/** A verified visitor with the channel (and its bot) the token belongs to. */
export interface VisitorScope {
  readonly visitor: Visitor;
  readonly channel: ChannelRow;
  readonly accountId: number;
}

/**
 * Finds the web channel behind a widget: one channel per bot (provider `web`, external id
 * the bot key) so each embedded bot has its own appearance and its visitors their own
 * conversations; made on the first visit. A preview key gets the bot's preview channel,
 * pointed at the current draft frozen as a preview version.
 */
export class WidgetChannels {
  constructor(
    private readonly context: ServiceContext,
    private readonly channels: ChannelsService,
    private readonly tokens: VisitorTokens,
  ) {}

  async channelOf(key: WidgetKey): Promise<{ bot: BotRow; channel: ChannelRow }> {
    if ('botKey' in key) {
      const bot = await this.#liveBot(key.botKey);
      return { bot, channel: await this.#channel(bot, bot.bot_key, {}) };
    }
    const bot = await this.context.db
      .selectFrom('bots')
      .selectAll()
      .where('preview_key', '=', key.previewKey)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (bot === undefined) throw new DomainError('BOT_NOT_FOUND');
    const version = await inTransaction(this.context.db, (unit) =>
      freezePreview(unit, this.context.dialect, bot),
    );
    const channel = await this.#channel(bot, `${PREVIEW_CHANNEL_PREFIX}${bot.preview_key}`, {
      previewVersionId: version.id,
    });
    return { bot, channel };
  }

  async config(key: WidgetKey): Promise<WidgetConfig> {
    const { bot, channel } = await this.channelOf(key);
    const settings = parseWebChannelConfig(channel.config);
    const versionId = settings.previewVersionId ?? bot.deployed_version_id;
    const version =
      versionId === null
        ? undefined
        : await this.context.db
            .selectFrom('flow_versions')
            .select('flow')
            .where('account_id', '=', bot.account_id)
            .where('id', '=', versionId)
            .executeTakeFirst();
    return {
      botKey: bot.bot_key,
      botTitle: bot.title,
      appearance: settings.appearance,
      triggers: version === undefined ? [] : webTriggersOf(version.flow),
      identityVerification: settings.identityVerification,
      maxUploadBytes: MAX_UPLOAD_BYTES,
      preview: 'previewKey' in key,
    };
  }

  /** The visitor a token names, on an enabled web channel; VISITOR_TOKEN_INVALID otherwise. */
  async scopeOf(token: string | undefined): Promise<VisitorScope> {
    const visitor = token === undefined ? undefined : this.tokens.verify(token);
    if (visitor === undefined) throw new DomainError('VISITOR_TOKEN_INVALID');
    const channel = await this.context.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', visitor.channelId)
      .where('provider', '=', 'web')
      .executeTakeFirst();
    if (channel === undefined) throw new DomainError('VISITOR_TOKEN_INVALID');
    if (channel.enabled !== 1) throw new DomainError('CHANNEL_NOT_ENABLED');
    return { visitor, channel, accountId: channel.account_id };
  }

  /** An active, deployed bot published on the web (WEB in its channel types). */
  async #liveBot(botKey: string): Promise<BotRow> {
    const bot = await this.context.db
      .selectFrom('bots')
      .selectAll()
      .where('bot_key', '=', botKey)
      .where('active', '=', 1)
      .where('deleted_at', 'is', null)
      .where('deployed_version_id', 'is not', null)
      .executeTakeFirst();
    const web = wotnotChannelName('web');
    const published =
      bot !== undefined &&
      channelTypes.parse(JSON.parse(bot.channel_types)).some((name) => name.toUpperCase() === web);
    if (bot === undefined || !published) throw new DomainError('BOT_NOT_FOUND');
    return bot;
  }

  async #channel(
    bot: BotRow,
    externalId: string,
    overrides: Record<string, unknown>,
  ): Promise<ChannelRow> {
    // Found or created under a lock: visitors arriving at once on a new bot share one.
    const existing = await this.channels.findOrCreateByProvider(bot.account_id, {
      type: 'web',
      provider: 'web',
      name: externalId.startsWith(PREVIEW_CHANNEL_PREFIX) ? `Preview: ${bot.title}` : bot.title,
      externalId,
      config: { appearance: { title: bot.title }, ...overrides },
    });
    const config: unknown = JSON.parse(existing.config);
    const current = z.record(z.string(), z.unknown()).catch({}).parse(config);
    const stale = Object.entries(overrides).some(([name, value]) => current[name] !== value);
    if (!stale) return existing;
    return this.channels.update(bot.account_id, existing.id, {
      config: { ...current, ...overrides },
    });
  }
}

const startNodes = z
  .object({
    nodes: z.array(
      z.object({
        type: z.string(),
        data: z
          .object({
            web: z
              .object({
                urlContains: z.string().optional(),
                firstVisitOnly: z.boolean().optional(),
                afterSeconds: z.number().int().optional(),
              })
              .optional(),
          })
          .catch({}),
      }),
    ),
  })
  .catch({ nodes: [] });

/** The start block's web triggers, as the widget evaluates them in the page. */
export function webTriggersOf(flowJson: string): WidgetConfig['triggers'] {
  const flow = startNodes.parse(JSON.parse(flowJson));
  return flow.nodes.flatMap((node) => {
    const web = node.type === 'start' ? node.data.web : undefined;
    if (web === undefined) return [];
    return [
      {
        ...(web.urlContains === undefined ? {} : { urlContains: web.urlContains }),
        ...(web.firstVisitOnly === undefined ? {} : { firstVisitOnly: web.firstVisitOnly }),
        ...(web.afterSeconds === undefined ? {} : { secondsOnPage: web.afterSeconds }),
      },
    ];
  });
}
