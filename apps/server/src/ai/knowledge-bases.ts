import { randomId } from '../core/ids.js';
import { readAccountSettings } from '../core/accounts/account-settings.js';
import type { ServiceContext } from '../core/context.js';
import { DomainError } from '../core/errors/domain-error.js';
import type { Db } from '../storage/database.js';
import { inTransaction, type UnitOfWork } from '../storage/transaction.js';
import { nextRefreshAt, type refreshFrequencies } from './knowledge-base-settings.js';
import type { KbDomainRow, KbSourceRow, KnowledgeBaseRow, SourceType } from './store/kb-tables.js';

declare module '../jobs/job-types.js' {
  interface JobTypes {
    /** Train one text, file or page source: extract, chunk, index. */
    'kb.train': { readonly accountId: number; readonly sourceId: number };
    /** Crawl a domain and train its pages (a re-sync when it was trained before). */
    'kb.crawl': { readonly accountId: number; readonly domainId: number };
  }
}

export type RefreshFrequency = (typeof refreshFrequencies)[number];

export interface NewSource {
  readonly type: SourceType;
  readonly name: string;
  readonly source: string;
  /** The form field it came in (the upload answer groups sources by field). */
  readonly field?: string;
  /** A page (`url`) trained again on this schedule (the `kb.train` job re-runs itself). */
  readonly refreshFrequency?: RefreshFrequency | null;
}

/** Training runs longer than this fail with a reason instead of staying "in progress". */
export const TRAIN_ATTEMPTS = 3;

/**
 * Knowledge bases and their sources (WotNot's AI studio). Adding a source writes it as
 * `in-progress` and its training job in one transaction: a source never waits for a job
 * that was not enqueued, and a crash before commit leaves neither.
 */
export class KnowledgeBases {
  constructor(private readonly context: ServiceContext) {}

  async create(accountId: number, name: string, by: number | null): Promise<KnowledgeBaseRow> {
    return inTransaction(this.context.db, async (unit) => {
      const { limits } = await readAccountSettings(unit.db, accountId);
      if (limits.knowledgeBases !== null) {
        const { count } = await unit.db
          .selectFrom('knowledge_bases')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow();
        if (count >= limits.knowledgeBases) {
          throw new DomainError('MAX_KNOWLEDGE_BASE_COUNT_EXCEEDED');
        }
      }
      const now = Date.now();
      return unit.db
        .insertInto('knowledge_bases')
        .values({
          account_id: accountId,
          name,
          settings: '{}',
          created_by: by,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  /**
   * The account's knowledge base: KNOWLEDGE_BASE_NOT_FOUND when no account has it, and
   * WotNot's BAD_REQUEST "does not belong to the account" when another account does.
   */
  async get(accountId: number, kbId: number, db: Db = this.context.db): Promise<KnowledgeBaseRow> {
    const kb = await db
      .selectFrom('knowledge_bases')
      .selectAll()
      .where('id', '=', kbId)
      .executeTakeFirst();
    if (kb === undefined) throw new DomainError('KNOWLEDGE_BASE_NOT_FOUND');
    if (kb.account_id !== accountId) {
      throw new DomainError('BAD_REQUEST', {
        message: `Knowledge base does not belong to the account(${String(kbId)})`,
      });
    }
    return kb;
  }

  async list(accountId: number): Promise<KnowledgeBaseRow[]> {
    return this.context.db
      .selectFrom('knowledge_bases')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  }

  /** Text and file sources (already stored as media), each trained by its own job. */
  async addSources(
    accountId: number,
    kbId: number,
    sources: readonly NewSource[],
    by: number | null,
  ): Promise<(KbSourceRow & { field?: string | undefined })[]> {
    return inTransaction(this.context.db, async (unit) => {
      await this.get(accountId, kbId, unit.db);
      if (sources.some((source) => source.type === 'url')) {
        await this.#checkUrlLimit(unit, accountId, sources.filter((s) => s.type === 'url').length);
      }
      const added: (KbSourceRow & { field?: string | undefined })[] = [];
      for (const source of sources) {
        const row = await this.#insertSource(unit, accountId, kbId, source, by, null);
        await this.#enqueueTraining(unit, row);
        added.push({ ...row, field: source.field });
      }
      return added;
    });
  }

  /** A domain to crawl; its pages become `url` sources of the domain as they are trained. */
  async addDomain(
    accountId: number,
    kbId: number,
    input: {
      url: string;
      excludeUrls: readonly string[];
      refreshFrequency: RefreshFrequency | null;
    },
    by: number | null,
  ): Promise<KbDomainRow> {
    return inTransaction(this.context.db, async (unit) => {
      await this.get(accountId, kbId, unit.db);
      await this.#checkUrlLimit(unit, accountId, 1);
      const now = Date.now();
      const domain = await unit.db
        .insertInto('kb_domains')
        .values({
          account_id: accountId,
          kb_id: kbId,
          url: input.url,
          exclude_urls: JSON.stringify(input.excludeUrls),
          refresh_frequency: input.refreshFrequency,
          status: 'in-progress',
          request_id: randomId(32),
          next_refresh_at: null,
          created_by: by,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.context.queue.enqueue(
        'kb.crawl',
        { accountId, domainId: domain.id },
        {
          accountId,
          maxAttempts: TRAIN_ATTEMPTS,
          idempotencyKey: `kb.crawl:${String(domain.id)}:0`,
        },
        unit,
      );
      return domain;
    });
  }

  /** Removes sources and their chunks; ids of another knowledge base are RESOURCE_NOT_FOUND. */
  async deleteSources(accountId: number, kbId: number, ids: readonly number[]): Promise<void> {
    await inTransaction(this.context.db, async (unit) => {
      const kb = await unit.db
        .selectFrom('knowledge_bases')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', '=', kbId)
        .executeTakeFirst();
      if (kb === undefined) throw new DomainError('RESOURCE_NOT_FOUND');
      const found = await unit.db
        .selectFrom('kb_sources')
        .select('id')
        .where('account_id', '=', accountId)
        .where('kb_id', '=', kbId)
        .where('id', 'in', [...ids])
        .execute();
      if (found.length !== new Set(ids).size) throw new DomainError('RESOURCE_NOT_FOUND');
      await unit.db
        .deleteFrom('kb_chunks')
        .where('source_id', 'in', [...ids])
        .execute();
      await unit.db
        .deleteFrom('kb_sources')
        .where('account_id', '=', accountId)
        .where('id', 'in', [...ids])
        .execute();
    });
  }

  async sources(
    accountId: number,
    kbId: number,
    page: { limit: number; offset: number },
  ): Promise<{ rows: KbSourceRow[]; total: number; domains: KbDomainRow[] }> {
    const db = this.context.db;
    const rows = await db
      .selectFrom('kb_sources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('kb_id', '=', kbId)
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const { total } = await db
      .selectFrom('kb_sources')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('account_id', '=', accountId)
      .where('kb_id', '=', kbId)
      .executeTakeFirstOrThrow();
    const domains = await db
      .selectFrom('kb_domains')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('kb_id', '=', kbId)
      .orderBy('id')
      .execute();
    return { rows, total, domains };
  }

  async statuses(accountId: number, ids: readonly number[]): Promise<KbSourceRow[]> {
    if (ids.length === 0) return [];
    return this.context.db
      .selectFrom('kb_sources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
  }

  async #insertSource(
    unit: UnitOfWork,
    accountId: number,
    kbId: number,
    source: NewSource,
    by: number | null,
    domainId: number | null,
  ): Promise<KbSourceRow> {
    const now = Date.now();
    return unit.db
      .insertInto('kb_sources')
      .values({
        account_id: accountId,
        kb_id: kbId,
        domain_id: domainId,
        type: source.type,
        name: source.name,
        source: source.source,
        title: null,
        status: 'in-progress',
        refresh_frequency: source.refreshFrequency ?? null,
        next_refresh_at: nextRefreshAt(source.refreshFrequency ?? null, now),
        created_by: by,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async #enqueueTraining(unit: UnitOfWork, source: KbSourceRow): Promise<void> {
    await this.context.queue.enqueue(
      'kb.train',
      { accountId: source.account_id, sourceId: source.id },
      {
        accountId: source.account_id,
        maxAttempts: TRAIN_ATTEMPTS,
        idempotencyKey: `kb.train:${String(source.id)}:${String(source.updated_at)}`,
      },
      unit,
    );
  }

  /** WotNot's plan limit on web pages: "Maximum urls allowed N". */
  async #checkUrlLimit(unit: UnitOfWork, accountId: number, adding: number): Promise<void> {
    const { limits } = await readAccountSettings(unit.db, accountId);
    if (limits.knowledgeBaseUrls === null) return;
    const { pages } = await unit.db
      .selectFrom('kb_sources')
      .select((eb) => eb.fn.countAll<number>().as('pages'))
      .where('account_id', '=', accountId)
      .where('type', '=', 'url')
      .executeTakeFirstOrThrow();
    const { domains } = await unit.db
      .selectFrom('kb_domains')
      .select((eb) => eb.fn.countAll<number>().as('domains'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (pages + domains + adding > limits.knowledgeBaseUrls) {
      throw new DomainError('BAD_REQUEST', {
        message: `Maximum urls allowed ${String(limits.knowledgeBaseUrls)}`,
      });
    }
  }
}
