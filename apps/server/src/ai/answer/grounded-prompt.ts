import type { ChatMessage } from '../llm/openai-client.js';
import type { Passage } from '../retrieval/search.js';

/** What the model says when the passages do not answer the question. */
export const NO_ANSWER = 'NO_ANSWER';

const DEFAULT_PERSONA = 'You are a helpful, concise support assistant.';

/**
 * The grounded prompt: the account's persona and instructions, then the numbered passages,
 * with the rule that only they may be used, each use cited by number, and a fixed word
 * for "not in the passages" — so a wrong guess is a rule broken, not a style choice.
 */
export function groundedPrompt(
  question: string,
  passages: readonly Passage[],
  instructions?: string,
  options: { functions?: boolean } = {},
): ChatMessage[] {
  const sources = passages
    .map((passage, index) => {
      const where = [passage.title, passage.section]
        .filter((part) => part !== null && part !== '')
        .join(' — ');
      return `[${String(index + 1)}] ${where}\n${passage.text}`;
    })
    .join('\n\n');
  return [
    {
      role: 'system',
      content: [
        instructions === undefined || instructions.trim() === ''
          ? DEFAULT_PERSONA
          : instructions.trim(),
        options.functions === true
          ? 'Answer the question using only the numbered passages and the results of the functions you can call. After each statement taken from a passage, cite it like [1].'
          : 'Answer the question using only the numbered passages. After each statement, cite the passage it comes from like [1].',
        `If ${options.functions === true ? 'neither contains' : 'the passages do not contain'} the answer, reply with exactly ${NO_ANSWER} and nothing else.`,
        'Answer in the language of the question.',
      ].join('\n'),
    },
    {
      role: 'user',
      content: `Passages:\n\n${sources === '' ? '(none)' : sources}\n\nQuestion: ${question}`,
    },
  ];
}

/** The passages an answer cites, by their [n] markers, in order of first citation. */
export function citedPassages(answer: string, passages: readonly Passage[]): Passage[] {
  const cited: Passage[] = [];
  for (const match of answer.matchAll(/\[(\d{1,2})\]/g)) {
    const passage = passages[Number(match[1]) - 1];
    if (passage !== undefined && !cited.includes(passage)) cited.push(passage);
  }
  return cited;
}

/** The best passage, cut at a sentence end near `limit` characters: the extractive answer. */
export function extractiveAnswer(passage: Passage, limit = 700): string {
  const text = passage.text.trim();
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const end = Math.max(
    cut.lastIndexOf('. '),
    cut.lastIndexOf('.\n'),
    cut.lastIndexOf('? '),
    cut.lastIndexOf('! '),
  );
  return end > limit / 3 ? cut.slice(0, end + 1) : `${cut.trimEnd()}…`;
}
