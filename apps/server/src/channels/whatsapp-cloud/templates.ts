import { z } from 'zod';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';

/** A message template as Parley's `templates` records hold it. */
export interface WhatsAppTemplate {
  readonly name: string;
  readonly language: string;
  readonly category: string;
  /** Parley's three states: only `approved` may be sent. */
  readonly status: 'approved' | 'pending' | 'rejected';
  readonly components: unknown[];
}

const page = z.object({
  data: z.array(
    z.object({
      name: z.string().min(1),
      language: z.string().min(1),
      category: z.string().default('UTILITY'),
      status: z.string(),
      components: z.array(z.unknown()).default([]),
    }),
  ),
  paging: z.object({ next: z.url().optional() }).optional(),
});

/**
 * Meta's review states in Parley's terms: in review (or appeal) is pending; paused,
 * disabled and deleted templates cannot be sent, like rejected ones.
 */
function statusOf(status: string): WhatsAppTemplate['status'] {
  const upper = status.toUpperCase();
  if (upper === 'APPROVED') return 'approved';
  if (upper === 'PENDING' || upper === 'IN_APPEAL' || upper === 'LIMIT_EXCEEDED') return 'pending';
  return 'rejected';
}

/** Pages kept bounded: 50 × 100 templates is well above Meta's per-account limit. */
const MAX_PAGES = 50;

/**
 * The business account's templates from the Business Management API
 * (`GET /{waba-id}/message_templates`), following `paging.next`.
 */
export async function fetchTemplates(
  http: GuardedHttpClient,
  url: string,
  headers: Record<string, string>,
): Promise<WhatsAppTemplate[]> {
  const templates: WhatsAppTemplate[] = [];
  let next: string | undefined = `${url}?fields=name,language,category,status,components&limit=100`;
  for (let pages = 0; next !== undefined && pages < MAX_PAGES; pages += 1) {
    const response = await http.fetch(next, { headers });
    if (response.status !== 200) {
      throw new Error(`WhatsApp templates: HTTP ${String(response.status)}`);
    }
    const answer = page.parse(JSON.parse(response.text()));
    for (const template of answer.data) {
      templates.push({
        name: template.name,
        language: template.language,
        category: template.category.toUpperCase(),
        status: statusOf(template.status),
        components: template.components,
      });
    }
    next = answer.paging?.next;
  }
  return templates;
}
