// Token counting with cl100k_base, the encoding of OpenAI's text-embedding-3 models: chunk
// budgets are meant in the embedding model's tokens, and a real BPE count keeps CJK text
// (roughly one token per character) from overflowing a budget a word-count heuristic would
// allow.
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

// Documents are data, not prompts: a literal "<|endoftext|>" in a page must be counted as
// ordinary text instead of making the tokenizer throw.
const TEXT_ONLY = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  if (text === '') return 0;
  return countCl100k(text, TEXT_ONLY);
}
