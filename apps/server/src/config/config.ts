import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Parley reads, with its default. Configuration comes only from the
 * environment (and an optional `.env` loaded before this runs); README lists the same
 * variables. Parsing fails with one line naming the variable, so a bad start is obvious.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : value))
    .refine(
      (value) => value === undefined || protocols.some((protocol) => value.startsWith(protocol)),
      { message: `must start with ${protocols.join(' or ')}` },
    );

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine(
      (value) =>
        value === undefined ||
        value.startsWith('sqlite:') ||
        value.startsWith('postgres://') ||
        value.startsWith('postgresql://'),
      { message: 'must start with sqlite:, postgres:// or postgresql://' },
    ),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  PARLEY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'may use letters, digits and _ . : - only' })
    .default('parley'),
  PARLEY_SECRET_KEY: z
    .string()
    .optional()
    .refine((value) => value === undefined || value.length >= 32, {
      message: 'must be at least 32 characters (use `openssl rand -base64 32`)',
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  PARLEY_CORS_ORIGINS: z.string().default('*'),
  PARLEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  PARLEY_SESSION_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  PARLEY_JOB_CONCURRENCY: z.coerce.number().int().positive().default(8),
  PARLEY_JOB_LAG_LIMIT_MS: z.coerce.number().int().nonnegative().default(5),
  PARLEY_JOB_POLL_MS: z.coerce.number().int().positive().default(250),
  PARLEY_JOB_BACKOFF_MS: z.coerce.number().int().positive().default(1_000),
  PARLEY_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  PARLEY_RUN_WORKERS: booleanFromEnv.default(true),
  PARLEY_ALLOW_PRIVATE_NETWORKS: booleanFromEnv.default(false),
  // Provider API base URLs: configurable for regional endpoints and for tests' fake servers.
  PARLEY_WHATSAPP_API_URL: z.url().default('https://graph.facebook.com/v21.0'),
  PARLEY_D360_API_URL: z.url().default('https://waba-v2.360dialog.io'),
  PARLEY_TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  PARLEY_TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
  PARLEY_MESSENGER_API_URL: z.url().default('https://graph.facebook.com/v21.0'),
  PARLEY_BOT_SESSION_EXPIRY_MINUTES: z.coerce.number().int().positive().default(1_440),
  PARLEY_BOOTSTRAP_EMAIL: z.email().optional(),
  PARLEY_BOOTSTRAP_PASSWORD: z.string().min(8).optional(),
  PARLEY_BOOTSTRAP_TOKEN: z.string().min(20).optional(),
  PARLEY_BOOTSTRAP_ACCOUNT_NAME: z.string().min(1).default('My Company'),
  SMTP_URL: optionalUrl(['smtp://', 'smtps://']),
  // An OpenAI-compatible API (OpenAI, Ollama, vLLM, LM Studio): chat for AI answers,
  // embeddings for hybrid retrieval. Without PARLEY_AI_BASE_URL answers are extractive.
  PARLEY_AI_BASE_URL: optionalUrl(['http://', 'https://']),
  PARLEY_AI_API_KEY: z.string().optional(),
  PARLEY_AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  PARLEY_AI_EMBEDDINGS_MODEL: z.string().optional(),
  SMTP_FROM: z.string().default('Parley <no-reply@parley.local>'),
});

export type Environment = Record<string, string | undefined>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly secretKey: string | undefined;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly corsOrigins: '*' | readonly string[];
  readonly rateLimitPerMinute: number;
  readonly sessionTtlSeconds: number;
  readonly jobConcurrency: number;
  /** Event-loop delay above which fewer jobs run at once (0: off). */
  readonly jobLagLimitMs: number;
  readonly jobPollMs: number;
  readonly jobBackoffMs: number;
  readonly shutdownTimeoutMs: number;
  readonly runWorkers: boolean;
  /** Outbound requests made for users may reach loopback/private addresses (tests, labs). */
  readonly allowPrivateNetworks: boolean;
  readonly bootstrap: {
    readonly email: string | undefined;
    readonly password: string | undefined;
    readonly token: string | undefined;
    readonly accountName: string;
  };
  readonly smtp: { readonly url: string | undefined; readonly from: string };
  /** The OpenAI-compatible AI provider; undefined: extractive answers, lexical retrieval. */
  readonly ai:
    | {
        readonly baseUrl: string;
        readonly apiKey: string | undefined;
        readonly model: string;
        /** Set: chunks get embeddings and retrieval is hybrid. */
        readonly embeddingsModel: string | undefined;
      }
    | undefined;
  /** A bot session idle for longer starts over on the next message. */
  readonly botSessionExpiryMs: number;
  /** Provider API base URLs, without a trailing slash. */
  readonly providerUrls: {
    readonly whatsapp: string;
    readonly d360: string;
    readonly twilio: string;
    readonly telegram: string;
    readonly messenger: string;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Turns the environment into a Config, or throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Environment): Config {
  const parsed = environmentSchema.safeParse(withoutEmptyStrings(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.PARLEY_DATA_DIR);
  const publicHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${publicHost}:${e.PORT}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'parley.db')}`,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.PARLEY_REDIS_PREFIX,
    secretKey: e.PARLEY_SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.PARLEY_BODY_LIMIT_BYTES,
    corsOrigins:
      e.PARLEY_CORS_ORIGINS.trim() === '*'
        ? '*'
        : e.PARLEY_CORS_ORIGINS.split(',')
            .map((origin) => origin.trim())
            .filter((origin) => origin !== ''),
    rateLimitPerMinute: e.PARLEY_RATE_LIMIT_PER_MINUTE,
    sessionTtlSeconds: e.PARLEY_SESSION_TTL_SECONDS,
    jobConcurrency: e.PARLEY_JOB_CONCURRENCY,
    jobLagLimitMs: e.PARLEY_JOB_LAG_LIMIT_MS,
    jobPollMs: e.PARLEY_JOB_POLL_MS,
    jobBackoffMs: e.PARLEY_JOB_BACKOFF_MS,
    shutdownTimeoutMs: e.PARLEY_SHUTDOWN_TIMEOUT_MS,
    runWorkers: e.PARLEY_RUN_WORKERS,
    allowPrivateNetworks: e.PARLEY_ALLOW_PRIVATE_NETWORKS,
    botSessionExpiryMs: e.PARLEY_BOT_SESSION_EXPIRY_MINUTES * 60_000,
    providerUrls: {
      whatsapp: e.PARLEY_WHATSAPP_API_URL.replace(/\/+$/, ''),
      d360: e.PARLEY_D360_API_URL.replace(/\/+$/, ''),
      twilio: e.PARLEY_TWILIO_API_URL.replace(/\/+$/, ''),
      telegram: e.PARLEY_TELEGRAM_API_URL.replace(/\/+$/, ''),
      messenger: e.PARLEY_MESSENGER_API_URL.replace(/\/+$/, ''),
    },
    bootstrap: {
      email: e.PARLEY_BOOTSTRAP_EMAIL,
      password: e.PARLEY_BOOTSTRAP_PASSWORD,
      token: e.PARLEY_BOOTSTRAP_TOKEN,
      accountName: e.PARLEY_BOOTSTRAP_ACCOUNT_NAME,
    },
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM },
    ai:
      e.PARLEY_AI_BASE_URL === undefined
        ? undefined
        : {
            baseUrl: e.PARLEY_AI_BASE_URL.replace(/\/+$/, ''),
            apiKey: e.PARLEY_AI_API_KEY,
            model: e.PARLEY_AI_MODEL,
            embeddingsModel: e.PARLEY_AI_EMBEDDINGS_MODEL,
          },
  };
}

/** `FOO=` in a .env file means "not set", as most twelve-factor tools read it. */
function withoutEmptyStrings(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}
