import { widgetAppearanceSchema, type WidgetAppearance } from '@parley/protocol';
import { z } from 'zod';

/**
 * A web channel's settings (channels.config): how its widget looks and whether visitors
 * must be vouched for by the host site (identity verification, with `secrets.identitySecret`).
 * Unknown or broken settings fall back to defaults: a widget always renders.
 */
export const webChannelConfigSchema = z.object({
  appearance: widgetAppearanceSchema.prefault({}).catch(() => widgetAppearanceSchema.parse({})),
  identityVerification: z.boolean().catch(false).default(false),
  /** Preview channels: the preview version new sessions start on (bot-preview.ts). */
  previewVersionId: z.number().int().optional().catch(undefined),
});

export type WebChannelConfig = z.infer<typeof webChannelConfigSchema>;

export function parseWebChannelConfig(raw: string): WebChannelConfig {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = {};
  }
  const parsed = webChannelConfigSchema.safeParse(value);
  return parsed.success ? parsed.data : webChannelConfigSchema.parse({});
}

export function defaultAppearance(title: string): WidgetAppearance {
  return widgetAppearanceSchema.parse({ title });
}
