import { z } from 'zod';
import type { ServiceContext } from '../../core/context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { nextRefreshAt } from '../knowledge-base-settings.js';
import type { KbSourceRow } from '../store/kb-tables.js';
import { failSource, indexDocument, type Embedder } from './index-chunks.js';
import { SourceFailure, sourceDocument } from './source-document.js';

/** The longest one source may train: past it, it fails with that reason. */
export const TRAIN_BUDGET_MS = 5 * 60 * 1_000;

export interface TrainingDependencies {
  readonly http: GuardedHttpClient;
  readonly embedder?: Embedder | undefined;
  readonly budgetMs?: number;
}

/**
 * `kb.train`: one text, file or page source. A source always ends `trained` or `failed`
 * with a reason: extraction problems and bad pages fail at once; an unexpected error is
 * retried by the queue and, on the last attempt, recorded as the failure.
 */
export function trainJob(
  context: ServiceContext,
  deps: TrainingDependencies,
): JobDefinition<'kb.train'> {
  return {
    name: 'kb.train',
    payload: z.object({
      accountId: z.number().int().positive(),
      sourceId: z.number().int().positive(),
    }),
    handle: async ({ accountId, sourceId }, job) => {
      const source = await context.db
        .selectFrom('kb_sources')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', sourceId)
        .executeTakeFirst();
      if (source === undefined) return; // deleted meanwhile
      const budget = deps.budgetMs ?? TRAIN_BUDGET_MS;
      const signal = AbortSignal.timeout(budget);
      const now = Date.now();
      const nextRefresh = nextRefreshAt(source.refresh_frequency, now);
      try {
        const document = await withBudget(
          sourceDocument(context.db, deps.http, source, signal),
          signal,
          budget,
        );
        await indexDocument(context.db, source, document, deps.embedder, now);
      } catch (error) {
        if (!(error instanceof SourceFailure) && job.attempt < job.maxAttempts) throw error;
        await failSource(
          context.db,
          source.id,
          error instanceof SourceFailure
            ? error.message
            : `training failed: ${error instanceof Error ? error.message : String(error)}`,
          nextRefresh,
        );
      }
      if (nextRefresh !== null) await scheduleRefresh(context, source, nextRefresh);
    },
  };
}

/**
 * A page with a refresh frequency trains again when it is due (`next_refresh_at`, written
 * with the outcome): the same job, enqueued for later (durable, like every job). A page that failed is retried on the same schedule;
 * unchanged content is recognised by its hash and keeps its chunks (indexDocument).
 */
async function scheduleRefresh(
  context: ServiceContext,
  source: KbSourceRow,
  next: number,
): Promise<void> {
  if (source.type !== 'url' || source.domain_id !== null) return;
  await context.queue.enqueue(
    'kb.train',
    { accountId: source.account_id, sourceId: source.id },
    {
      runAt: next,
      accountId: source.account_id,
      idempotencyKey: `kb.train:${String(source.id)}:refresh:${String(next)}`,
    },
  );
}

/** Rejects with a SourceFailure when the budget runs out first. */
export function withBudget<T>(work: Promise<T>, signal: AbortSignal, budgetMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(
        new SourceFailure(
          `training took longer than ${String(Math.round(budgetMs / 1_000))} s and was stopped`,
        ),
      );
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
