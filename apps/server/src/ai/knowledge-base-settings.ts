import { z } from 'zod';

/** Per knowledge base retrieval settings (knowledge_bases.settings). */
export const knowledgeBaseSettingsSchema = z.object({
  /** Passages retrieval hands to the answerer. */
  topK: z.number().int().min(1).max(20).default(5),
  /**
   * The share of the question's words a passage must contain (0–1) to count as relevant:
   * below it for every passage, the AI blocks take their "no answer" edge instead of guessing.
   */
  scoreThreshold: z.number().min(0).max(1).default(0.3),
});

export type KnowledgeBaseSettings = z.infer<typeof knowledgeBaseSettingsSchema>;

export function parseKnowledgeBaseSettings(raw: string): KnowledgeBaseSettings {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = {};
  }
  const parsed = knowledgeBaseSettingsSchema.safeParse(value);
  return parsed.success ? parsed.data : knowledgeBaseSettingsSchema.parse({});
}

export const refreshFrequencies = ['daily', 'weekly', 'monthly'] as const;

/** A refresh frequency as the API takes it: one of those, or "never" / null for none. */
export const refreshFrequencyInput = z
  .enum([...refreshFrequencies, 'never'])
  .nullable()
  .optional()
  .transform((value) => (value === 'never' || value === undefined ? null : value));

const DAY_MS = 24 * 60 * 60 * 1_000;

/** When a source refreshed with this frequency is due next. */
export function nextRefreshAt(
  frequency: (typeof refreshFrequencies)[number] | null,
  from: number,
): number | null {
  if (frequency === null) return null;
  const days = frequency === 'daily' ? 1 : frequency === 'weekly' ? 7 : 30;
  return from + days * DAY_MS;
}
