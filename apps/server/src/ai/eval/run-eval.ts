// `npm run eval:kb`: how well knowledge-base retrieval finds the passage that answers a
// question. The corpus is a fixed snapshot of Parley's own documentation (corpus/, see its
// LICENSE), indexed through the real pipeline into a fresh SQLite database; the questions
// (questions.yaml) name the file, and optionally the section, that answers them. Prints
// recall@1, recall@5 and MRR@10 for BM25 (searchLexical) and hybrid retrieval (searchHybrid
// with the fake OpenAI server's hashed bag-of-words embedder), then every question a
// retriever missed in its top 5. A measurement, not a gate: it exits 0 unless it breaks.
//
//   npm run eval:kb                       # the table and the misses
//   npm run eval:kb -- --all              # every question's rank, not only the misses
//   npm run eval:kb -- --max-tokens 200   # chunk budget (default: the product's, 500)
//   npm run eval:kb -- --json out.json    # the per-question ranks as JSON, for diffing runs
//   npm run eval:kb -- --via-http         # the fake embedder through the fake OpenAI server
//                                         # and the real OpenAiClient (same vectors)
//   npm run eval:kb -- --distractors 100000
//                                         # the corpus inside 100,000 generated chunks (the
//                                         # bench's text): BM25 as planned at that size against
//                                         # BM25 ranking every match, no hybrid
// With PARLEY_AI_BASE_URL and PARLEY_AI_EMBEDDINGS_MODEL set (and PARLEY_AI_API_KEY if the
// provider wants one), hybrid uses that provider through the real client instead: a real
// embedding model, e.g. a local Ollama. Then the result depends on the model, not on the repo.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GuardedHttpClient } from '../../security/guarded-fetch.js';
import { hashedEmbedding, startFakeOpenAi } from '../../testing/fakes/openai-server.js';
import { DEFAULT_MAX_TOKENS } from '../ingest/chunk.js';
import { OpenAiClient } from '../llm/openai-client.js';
import { searchHybrid } from '../retrieval/hybrid.js';
import { searchLexical, type Passage, type SearchRequest } from '../retrieval/search.js';
import type { Embedder } from '../training/index-chunks.js';
import { fillKnowledgeBase, TEXT_SEED } from './bench-kb-query.js';
import { createTextGenerator } from './bench-text.js';
import { createKnowledgeBase, indexFile, openScratchDatabase } from './scratch-kb.js';

const HERE = import.meta.dirname;
const CORPUS = path.join(HERE, 'corpus');
const QUESTIONS = path.join(HERE, 'questions.yaml');
/** Passages retrieved per question: MRR is computed over these. */
const DEPTH = 10;

const answerSchema = z.object({ source: z.string().min(1), section: z.string().min(1).optional() });
const questionSchema = z
  .object({
    q: z.string().min(1),
    source: z.string().min(1).optional(),
    section: z.string().min(1).optional(),
    answers: z.array(answerSchema).min(1).optional(),
  })
  .strict()
  .refine((item) => (item.source === undefined) !== (item.answers === undefined), {
    message: 'give either source (and section) or answers',
  })
  .transform((item) => ({
    question: item.q,
    answers: item.answers ?? [{ source: item.source ?? '', section: item.section }],
  }));
const questionsSchema = z.array(questionSchema).min(1);

type Question = z.output<typeof questionSchema>;
type Answer = Question['answers'][number];

interface Retriever {
  readonly name: string;
  search(request: SearchRequest): Promise<Passage[]>;
}

interface Outcome {
  /** 1-based rank of the first passage that answers, or null when none of the top DEPTH does. */
  readonly rank: number | null;
  readonly top: readonly string[];
}

/** The fake OpenAI server's embeddings, called directly (same vectors, no HTTP). */
const fakeEmbedder: Embedder = {
  model: 'fake-hashed-bow-256',
  embed: (texts) => Promise.resolve(texts.map((text) => Float32Array.from(hashedEmbedding(text)))),
};

/** The embedder hybrid retrieval uses, what to call it in the report, and how to let it go. */
async function chooseEmbedder(
  viaHttp: boolean,
): Promise<{ embedder: Embedder; label: string; close: () => Promise<void> }> {
  const baseUrl = process.env.PARLEY_AI_BASE_URL;
  const model = process.env.PARLEY_AI_EMBEDDINGS_MODEL;
  const http = new GuardedHttpClient({ allowPrivateNetworks: true });
  const client = (url: string, embeddingsModel: string, apiKey?: string) =>
    new OpenAiClient(http, { baseUrl: url, apiKey, model: 'unused', embeddingsModel }).embedder();
  if (baseUrl !== undefined && baseUrl !== '' && model !== undefined && model !== '') {
    const embedder = client(baseUrl, model, process.env.PARLEY_AI_API_KEY);
    if (embedder === undefined) throw new Error('no embedder');
    return { embedder, label: `${model} at ${baseUrl}`, close: () => Promise.resolve() };
  }
  if (viaHttp) {
    const fake = await startFakeOpenAi();
    const embedder = client(fake.url, 'fake-hashed-bow-256');
    if (embedder === undefined) throw new Error('no embedder');
    return {
      embedder,
      label: 'the fake embedder (hashed bag of words) via the fake OpenAI server and OpenAiClient',
      close: () => fake.close(),
    };
  }
  return {
    embedder: fakeEmbedder,
    label: 'the fake embedder (hashed bag of words)',
    close: () => Promise.resolve(),
  };
}

/** Generated chunks (the query benchmark's text) written into the corpus's knowledge base. */
function addDistractors(file: string, kb: { accountId: number; kbId: number }, chunks: number) {
  const raw = new BetterSqlite3(file);
  try {
    fillKnowledgeBase(raw, kb, chunks, createTextGenerator(TEXT_SEED), false);
  } finally {
    raw.close();
  }
}

function corpusFiles(): string[] {
  return fs
    .readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.relative(CORPUS, path.join(entry.parentPath, entry.name)))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

function answers(passage: { file: string; section: string | null }, answer: Answer): boolean {
  if (passage.file !== answer.source) return false;
  if (answer.section === undefined) return true;
  return (passage.section ?? '').toLowerCase().includes(answer.section.toLowerCase());
}

/** "file › last heading" for the report. */
function label(file: string, section: string | null): string {
  const last = section?.split(' > ').at(-1);
  return last === undefined ? file : `${file} › ${last}`;
}

function describe(answer: Answer): string {
  return answer.section === undefined ? answer.source : `${answer.source} › ${answer.section}`;
}

function pad(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, c) =>
    Math.max(...rows.map((row) => (row[c] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join(' | '),
  );
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      all: { type: 'boolean', default: false },
      'max-tokens': { type: 'string' },
      json: { type: 'string' },
      'via-http': { type: 'boolean', default: false },
      distractors: { type: 'string' },
    },
  });
  const maxTokens = Number(args['max-tokens'] ?? DEFAULT_MAX_TOKENS);
  const questions = questionsSchema.parse(parseYaml(fs.readFileSync(QUESTIONS, 'utf8')));
  const files = corpusFiles();
  const known = new Set(files);
  for (const [index, item] of questions.entries()) {
    for (const answer of item.answers) {
      if (!known.has(answer.source))
        throw new Error(`question ${String(index + 1)} names ${answer.source}, not in the corpus`);
    }
  }

  const {
    embedder,
    label: embedderLabel,
    close: closeEmbedder,
  } = await chooseEmbedder(args['via-http']);
  const scratch = await openScratchDatabase('parley-eval-kb-');
  try {
    const { database } = scratch;
    const kb = await createKnowledgeBase(database, 'Parley documentation');
    const fileOfSource = new Map<number, string>();
    const started = performance.now();
    for (const file of files) {
      const { source } = await indexFile(
        database,
        kb,
        { name: file, bytes: fs.readFileSync(path.join(CORPUS, file)), mime: 'text/markdown' },
        { embedder, chunk: { maxTokens } },
      );
      fileOfSource.set(source.id, file);
    }
    const indexMs = performance.now() - started;
    const distractors = Number(args.distractors ?? 0);
    if (distractors > 0) addDistractors(scratch.file, kb, distractors);
    const passages = await database.db
      .selectFrom('kb_chunks')
      .select(['source_id', 'section'])
      .where('kb_id', '=', kb.kbId)
      .where('source_id', 'in', [...fileOfSource.keys()])
      .execute();
    // An answer no passage could ever satisfy (a typo, a heading that changed) is a broken
    // question, not a miss.
    for (const [index, item] of questions.entries()) {
      for (const answer of item.answers) {
        const satisfiable = passages.some((row) =>
          answers({ file: fileOfSource.get(row.source_id) ?? '', section: row.section }, answer),
        );
        if (!satisfiable)
          throw new Error(
            `question ${String(index + 1)}: no passage of ${describe(answer)} exists (check the section)`,
          );
      }
    }

    const lexical: Retriever = {
      name: 'BM25',
      search: (request) => searchLexical(database.db, database.dialect, request),
    };
    const retrievers: Retriever[] =
      distractors > 0
        ? [
            lexical,
            {
              name: 'BM25 exact',
              search: (request) =>
                searchLexical(database.db, database.dialect, {
                  ...request,
                  rankingBudget: Infinity,
                }),
            },
          ]
        : [
            lexical,
            {
              name: 'hybrid',
              search: (request) => searchHybrid(database.db, database.dialect, request, embedder),
            },
          ];
    const outcomes = new Map<string, Outcome[]>();
    for (const retriever of retrievers) {
      const list: Outcome[] = [];
      for (const item of questions) {
        const found = await retriever.search({
          accountId: kb.accountId,
          knowledgeBaseIds: [kb.kbId],
          question: item.question,
          limit: DEPTH,
        });
        const located = found.map((passage) => ({
          file: fileOfSource.get(passage.sourceId) ?? `source ${String(passage.sourceId)}`,
          section: passage.section,
        }));
        const index = located.findIndex((passage) =>
          item.answers.some((answer) => answers(passage, answer)),
        );
        list.push({
          rank: index === -1 ? null : index + 1,
          top: located.map((passage) => label(passage.file, passage.section)),
        });
      }
      outcomes.set(retriever.name, list);
    }

    const summary = retrievers.map((retriever) => {
      const list = outcomes.get(retriever.name) ?? [];
      const within = (k: number) => list.filter((o) => o.rank !== null && o.rank <= k).length;
      const mrr =
        list.reduce((sum, o) => sum + (o.rank === null ? 0 : 1 / o.rank), 0) / list.length;
      return {
        retriever: retriever.name,
        recallAt1: within(1) / list.length,
        recallAt5: within(5) / list.length,
        mrrAt10: mrr,
        missesAt5: list.length - within(5),
      };
    });

    console.log(
      `Knowledge-base retrieval evaluation: ${String(files.length)} documents, ${String(passages.length)} passages ` +
        `(max ${String(maxTokens)} tokens), ${String(questions.length)} questions; indexed in ${indexMs.toFixed(0)} ms`,
    );
    console.log('');
    const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
    for (const line of pad([
      ['retriever', 'passages', 'questions', 'recall@1', 'recall@5', 'MRR@10', 'misses@5'],
      ...summary.map((row) => [
        row.retriever,
        String(passages.length),
        String(questions.length),
        percent(row.recallAt1),
        percent(row.recallAt5),
        row.mrrAt10.toFixed(3),
        String(row.missesAt5),
      ]),
    ]))
      console.log(line);
    console.log('');
    console.log(
      distractors > 0
        ? `${String(distractors)} generated chunks added to the knowledge base; BM25 exact = every match ranked.`
        : `hybrid = BM25 and cosine similarity, fused by RRF; embeddings: ${embedderLabel}.`,
    );

    for (const retriever of retrievers) {
      const list = outcomes.get(retriever.name) ?? [];
      const shown = list
        .map((outcome, index) => ({ outcome, index }))
        .filter(({ outcome }) => args.all || outcome.rank === null || outcome.rank > 5);
      console.log('');
      console.log(
        args.all
          ? `${retriever.name}: every question`
          : `${retriever.name}: ${String(shown.length)} missed in the top 5`,
      );
      for (const { outcome, index } of shown) {
        const item = questions[index];
        if (item === undefined) continue;
        const rank =
          outcome.rank === null ? `not in top ${String(DEPTH)}` : `rank ${String(outcome.rank)}`;
        console.log(`  #${String(index + 1)} (${rank}) ${item.question}`);
        if (outcome.rank !== null && outcome.rank <= 5) continue;
        console.log(`      wanted: ${item.answers.map(describe).join(' | ')}`);
        console.log(`      got:    ${outcome.top.slice(0, 3).join(' | ') || '(nothing)'}`);
      }
    }

    if (args.json !== undefined) {
      const report = {
        documents: files.length,
        passages: passages.length,
        maxTokens,
        questions: questions.length,
        summary,
        perQuestion: questions.map((item, index) => ({
          question: item.question,
          answers: item.answers,
          ranks: Object.fromEntries(
            retrievers.map((r) => [r.name, outcomes.get(r.name)?.[index]?.rank ?? null]),
          ),
        })),
      };
      fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\nWrote ${args.json}`);
    }
  } finally {
    await scratch.close();
    await closeEmbedder();
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
