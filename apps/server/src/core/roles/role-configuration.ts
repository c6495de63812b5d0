import { z } from 'zod';

/**
 * `role_configuration` exactly as WotNot's "Fetch account roles" shows it: product areas,
 * each a set of boolean switches. Permissions are checked against this same document, so
 * what the API shows is what is enforced.
 */
const on = z.boolean();

export const roleConfigurationSchema = z.object({
  live_chat: z.object({ settings: on, full_access: on, human_handover: on }),
  analytics: z.object({ full_access: on }),
  support_ticket: z.object({ full_access: on }),
  bot_builder: z.object({ full_access: on, read_only_access: on }),
  ticket: z.object({ full_access: on }),
  account_settings: z.object({
    teammates: on,
    billing: on,
    variables: on,
    automation: on,
    csat: on,
    teams: on,
    events: on,
    settings: on,
    link_tracking: on,
  }),
  ai_studio: z.object({ full_access: on }),
  contacts: z.object({ full_access: on }),
  app_market: z.object({ full_access: on }),
  channel_configuration: z.object({
    sms: z.object({ opt_out_management: on, configuration: on }),
    web: z.object({
      appearance: on,
      trigger_conditions: on,
      pop_up_messages: on,
      configuration: on,
      general_settings: on,
    }),
    whatsapp: z.object({ templates: on, configuration: on }),
    instagram: z.object({ configuration: on }),
    facebook: z.object({ configuration: on }),
    voice: z.object({ configuration: on }),
    email: z.object({ templates: on, configuration: on }),
  }),
});

export type RoleConfiguration = z.infer<typeof roleConfigurationSchema>;

/** Every leaf of the configuration as a dotted path: `account_settings.teammates`, … */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends boolean ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type Permission = Leaves<RoleConfiguration>;

/** Reads one switch; a path the document lacks is false (deny by default). */
export function isGranted(configuration: RoleConfiguration, permission: Permission): boolean {
  let node: unknown = configuration;
  for (const key of permission.split('.')) {
    if (typeof node !== 'object' || node === null) return false;
    node = Object.getOwnPropertyDescriptor(node, key)?.value;
  }
  return node === true;
}

/** A configuration with every switch set to `value` (a fresh copy the caller may change). */
export function uniformConfiguration(value: boolean): RoleConfiguration {
  return structuredClone(value ? FULL_ACCESS : NO_ACCESS);
}

function buildUniform(value: boolean): RoleConfiguration {
  const build = (schema: z.ZodObject): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(schema.shape).map(([key, child]) => [
        key,
        child instanceof z.ZodObject ? build(child) : value,
      ]),
    );
  return roleConfigurationSchema.parse(build(roleConfigurationSchema));
}

const FULL_ACCESS: RoleConfiguration = deepFreeze(buildUniform(true));
const NO_ACCESS: RoleConfiguration = deepFreeze(buildUniform(false));

/** What an account token may do: everything. Shared and frozen. */
export const fullAccess: RoleConfiguration = FULL_ACCESS;

const PARSED_CACHE_LIMIT = 1_000;
const parsedCache = new Map<string, RoleConfiguration>();

/**
 * Parses a stored configuration; switches missing from an older document read as false.
 * Every authenticated request reads its role, and role documents rarely change, so parsed
 * documents are kept (frozen, by their exact text) instead of being parsed each time.
 */
export function parseStoredConfiguration(json: string): RoleConfiguration {
  const cached = parsedCache.get(json);
  if (cached !== undefined) return cached;
  const stored: unknown = JSON.parse(json);
  const parsed = deepFreeze(roleConfigurationSchema.parse(deepMerge(NO_ACCESS, stored)));
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(json, parsed);
  return parsed;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function deepMerge(base: unknown, overlay: unknown): unknown {
  if (
    typeof base !== 'object' ||
    base === null ||
    typeof overlay !== 'object' ||
    overlay === null
  ) {
    return typeof overlay === typeof base ? overlay : base;
  }
  return Object.fromEntries(
    Object.entries(base).map(([key, value]) => [
      key,
      deepMerge(value, Object.getOwnPropertyDescriptor(overlay, key)?.value),
    ]),
  );
}
