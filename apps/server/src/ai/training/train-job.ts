import { z } from 'zod';
import type { ServiceContext } from '../../core/context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { GuardedHttpClient } from '../../security/guarded-fetch.js';
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
      try {
        const document = await withBudget(
          sourceDocument(context.db, deps.http, source, signal),
          signal,
          budget,
        );
        await indexDocument(context.db, source, document, deps.embedder);
      } catch (error) {
        if (error instanceof SourceFailure) {
          await failSource(context.db, source.id, error.message);
          return;
        }
        if (job.attempt < job.maxAttempts) throw error;
        await failSource(
          context.db,
          source.id,
          `training failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  };
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
