import { pino, type Logger } from 'pino';
import { LocalEventBus } from './bus/local-bus.js';
import { RedisEventBus } from './bus/redis-bus.js';
import type { EventBus } from './bus/events.js';
import type { Config } from './config/config.js';
import { systemClock, type Clock } from './core/clock.js';
import { SessionsService } from './core/auth/sessions-service.js';
import { EventRecorder } from './core/events/event-recorder.js';
import type { ServiceContext } from './core/context.js';
import { CustomRolesService } from './core/roles/custom-roles-service.js';
import { RolesService } from './core/roles/roles-service.js';
import { TeamsService } from './core/teams/teams-service.js';
import { TokensService } from './core/tokens/tokens-service.js';
import { UsersService } from './core/users/users-service.js';
import { ChannelSenders } from './core/channels/channel-sender.js';
import { ChannelsService } from './core/channels/channels-service.js';
import { SandboxSender } from './core/channels/sandbox-sender.js';
import { ApiChannelSender } from './core/channels/api-sender.js';
import { ConversationsService } from './core/conversations/conversations-service.js';
import { MessagesService } from './core/messages/messages-service.js';
import { messageSendJob, messageStatusJob } from './core/messages/send-job.js';
import { SlaService } from './core/sla/sla-service.js';
import { SlaPoliciesService } from './core/sla/sla-policies-service.js';
import {
  AdapterSender,
  ChannelAdapters,
  createChannelAdapters,
  TokenBuckets,
} from './channels/index.js';
import { channelInboundJob } from './channels/inbound-job.js';
import { BotChatSender } from './core/bots/bot-chat-sender.js';
import { WebSender } from './widget/web-sender.js';
import { agentJoinedListener } from './widget/agent-joined.js';
import { BotHandback } from './core/bots/bot-handback.js';
import { BotCalls, type AiAnswerer } from './core/bots/bot-calls.js';
import { StudioAnswerer } from './ai/answer/studio-answerer.js';
import { OpenAiClient } from './ai/llm/openai-client.js';
import { crawlJob, type CrawlDependencies } from './ai/training/crawl-job.js';
import { trainJob } from './ai/training/train-job.js';
import { botCallJob, botTimerJob } from './core/bots/bot-jobs.js';
import { BotRunner, type BotRunnerOptions } from './core/bots/bot-runner.js';
import { sandboxCodeRunner } from './core/bots/code-runner.js';
import { ContactsService } from './core/contacts/contacts-service.js';
import { kickPendingLanes } from './core/webhooks/webhook-lanes.js';
import {
  webhookDeliverJob,
  type WebhookDeliveryOptions,
} from './core/webhooks/webhook-delivery-job.js';
import { registerWebhookListener } from './core/webhooks/webhook-listener.js';
import { WebhooksService } from './core/webhooks/webhooks-service.js';
import { GuardedHttpClient } from './security/guarded-fetch.js';
import { GuardedConnectionPool } from './security/guarded-pool.js';
import { EventLoopPressure } from './jobs/event-loop-pressure.js';
import { closeCodeblockPool } from './sandbox/codeblock-sandbox.js';
import { guardedSandboxFetch } from './sandbox/guarded-sandbox-fetch.js';
import { BullMqJobQueue } from './jobs/bullmq-queue.js';
import type { JobQueue } from './jobs/queue.js';
import { SqlJobQueue } from './jobs/sql-queue.js';
import { mailSendJob } from './mail/mail-job.js';
import { Metrics } from './metrics/metrics.js';
import { deriveKey, SecretBox } from './security/secret-box.js';
import { resolveSecretKey } from './security/secret-key.js';
import { openDatabase, type Database } from './storage/database.js';
import { AccountCaches } from './core/cache/account-caches.js';
import { migrateToLatest } from './storage/migrator.js';
import type { ChannelRow } from './storage/schema-conversations.js';

export interface Services {
  readonly roles: RolesService;
  readonly customRoles: CustomRolesService;
  readonly users: UsersService;
  readonly teams: TeamsService;
  readonly tokens: TokensService;
  readonly sessions: SessionsService;
  readonly channels: ChannelsService;
  readonly conversations: ConversationsService;
  readonly messages: MessagesService;
  readonly contacts: ContactsService;
  readonly webhooks: WebhooksService;
  readonly slaPolicies: SlaPoliciesService;
  /** Agents giving a handed-over conversation back to its bot. */
  readonly botHandback: BotHandback;
}

/** Everything one Parley process runs on, built once and closed once. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly queue: JobQueue;
  readonly bus: EventBus;
  readonly metrics: Metrics;
  readonly context: ServiceContext;
  readonly services: Services;
  /** Channel senders by provider (the sandbox one records what it "sent"). */
  readonly senders: ChannelSenders;
  /** Provider adapters (webhook parsing and sending) by provider name. */
  readonly adapters: ChannelAdapters;
  readonly sandbox: SandboxSender;
  /** Whether the master secret was generated into the data directory by this start. */
  readonly secretKeyGenerated: boolean;
  /** Starts the job workers in this process. */
  startWorkers(): Promise<void>;
  /** Stops workers (letting running jobs finish), then closes the bus and the database. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly logger?: Logger;
  /** Apply pending migrations first (default true). */
  readonly migrate?: boolean;
  /** Bot session settings (tests shorten the session expiry). */
  readonly bots?: BotRunnerOptions;
  /** Answers the flows' AI blocks (default: the AI studio over the account's knowledge bases). */
  readonly ai?: AiAnswerer;
  /** Knowledge base training limits (tests shorten crawl timeouts and politeness). */
  readonly knowledge?: Pick<CrawlDependencies, 'crawl' | 'budgetMs'>;
  /** Webhook retry timing (tests shorten the 24 h horizon to seconds). */
  readonly webhookDelivery?: Omit<WebhookDeliveryOptions, 'http'>;
  /**
   * "Now" for bot turns and the database job queue (default: the system clock). Tests move
   * it to cover long delays; BullMQ keeps Redis's own time for its delays.
   */
  readonly clock?: Clock;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'parley' } });
}

/** The composition root: storage, queue, bus and services, wired from configuration. */
export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const secret = resolveSecretKey(config.secretKey, config.dataDir);
  const database = openDatabase(config.databaseUrl);
  try {
    if (options.migrate !== false) {
      const { applied } = await migrateToLatest(database.db, database.dialect);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const metrics = new Metrics();
  const clock = options.clock ?? systemClock;
  // Embedded jobs share the event loop with HTTP: they yield to it when it lags.
  const pressure =
    config.redisUrl === undefined && config.jobLagLimitMs > 0
      ? new EventLoopPressure(config.jobLagLimitMs)
      : undefined;
  const queue: JobQueue =
    config.redisUrl === undefined
      ? new SqlJobQueue({
          db: database.db,
          dialect: database.dialect,
          logger,
          concurrency: config.jobConcurrency,
          pollMs: config.jobPollMs,
          defaultBackoffMs: config.jobBackoffMs,
          events: metrics.jobEvents(),
          clock,
          ...(pressure === undefined ? {} : { concurrencyLimit: pressure }),
        })
      : new BullMqJobQueue({
          db: database.db,
          dialect: database.dialect,
          redisUrl: config.redisUrl,
          prefix: config.redisPrefix,
          logger,
          concurrency: config.jobConcurrency,
          defaultBackoffMs: config.jobBackoffMs,
          events: metrics.jobEvents(),
        });
  const bus: EventBus =
    config.redisUrl === undefined
      ? new LocalEventBus(logger)
      : new RedisEventBus({ url: config.redisUrl, prefix: config.redisPrefix, logger });
  metrics.observeQueue(queue);
  metrics.observeBus(bus);

  const context: ServiceContext = {
    db: database.db,
    dialect: database.dialect,
    queue,
    bus,
    events: new EventRecorder(bus, logger),
    config,
    secretBox: new SecretBox(secret.key),
    sessionKey: new Uint8Array(deriveKey(secret.key, 'session-jwt')),
    logger,
    clock,
    caches: new AccountCaches(bus),
  };
  queue.register(mailSendJob(config.smtp, config.publicUrl));
  const sandbox = new SandboxSender();
  const senders = new ChannelSenders();
  senders.register(sandbox);
  const messages = new MessagesService(context, (channel, contact) =>
    senders.deliveredOnCommit(channel, contact),
  );
  const contacts = new ContactsService(context);
  const conversations = new ConversationsService(context, messages, contacts);
  const channels = new ChannelsService(context);
  // The one client for outbound requests made on a user's behalf (SSRF-guarded).
  const http = new GuardedHttpClient({ allowPrivateNetworks: config.allowPrivateNetworks });
  // Bots answer inside the transaction of the inbound message (see BotRunner).
  const botRunner = new BotRunner(context, messages, {
    expiryMs: config.botSessionExpiryMs,
    ...options.bots,
  });
  context.events.onCommitting(botRunner.onEvent);
  const botHandback = new BotHandback(context, botRunner);
  context.events.onCommitting(botHandback.onEvent);
  // The AI studio: an OpenAI-compatible provider when configured, else extractive answers.
  const aiClient = config.ai === undefined ? undefined : new OpenAiClient(http, config.ai);
  const embedder = aiClient?.embedder();
  queue.register(trainJob(context, { http, embedder, ...options.knowledge }));
  queue.register(crawlJob(context, { http, embedder, ...options.knowledge }));
  const botCalls = new BotCalls({
    http,
    smtp: config.smtp,
    publicUrl: config.publicUrl,
    runCode: sandboxCodeRunner(guardedSandboxFetch(http)),
    ai: options.ai ?? new StudioAnswerer(context, { client: aiClient, embedder, http }),
    conversations,
  });
  queue.register(botTimerJob(context, botRunner));
  queue.register(botCallJob(context, botRunner, botCalls));
  queue.register(messageSendJob(context, senders, messages));
  queue.register(messageStatusJob(messages));
  const sla = new SlaService(context);
  queue.register(sla.checkJob());
  context.events.onCommitting(sla.onEvent);
  context.events.onCommitting(agentJoinedListener(messages));
  queue.register(webhookDeliverJob(context, { ...options.webhookDelivery, http }));
  senders.register(
    new ApiChannelSender(http, (channel) => channels.secretsOf(channel).secret ?? ''),
  );
  senders.register(new BotChatSender(database.db, http));
  senders.register(new WebSender());
  // Provider channels: each adapter parses its webhooks and sends through the send job.
  const adapters = new ChannelAdapters();
  const secretsOf = (channel: ChannelRow) => channels.secretsOf(channel);
  const buckets = new TokenBuckets();
  // Provider APIs (their base URLs are settings, not tenants' choice) keep connections alive.
  const providerConnections = new GuardedConnectionPool();
  const providerHttp = new GuardedHttpClient({
    allowPrivateNetworks: config.allowPrivateNetworks,
    connections: providerConnections,
  });
  const providerAdapters = createChannelAdapters({
    http: providerHttp,
    tenantHttp: http,
    config,
    db: database.db,
  });
  for (const adapter of providerAdapters) {
    adapters.register(adapter);
    senders.register(new AdapterSender(adapter, secretsOf, buckets));
  }
  queue.register(channelInboundJob(context, { adapters, secretsOf, conversations, messages }));
  registerWebhookListener(context.events, context);

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    database,
    queue,
    bus,
    metrics,
    context,
    secretKeyGenerated: secret.generated,
    senders,
    adapters,
    sandbox,
    services: {
      roles: new RolesService(context),
      customRoles: new CustomRolesService(context),
      users: new UsersService(context),
      teams: new TeamsService(context),
      tokens: new TokensService(context),
      sessions: new SessionsService(context),
      channels,
      conversations,
      messages,
      contacts,
      webhooks: new WebhooksService(context, { http }),
      slaPolicies: new SlaPoliciesService(context),
      botHandback,
    },
    async startWorkers() {
      await queue.start();
      // Lanes whose wake-up was lost (a restart between retries) are picked up again.
      await kickPendingLanes(database.db, queue, undefined);
    },
    close() {
      closing ??= (async () => {
        await queue.stop(config.shutdownTimeoutMs);
        await closeCodeblockPool();
        await queue.close();
        pressure?.stop();
        providerConnections.close();
        await bus.close();
        await database.close();
      })();
      return closing;
    },
  };
}
