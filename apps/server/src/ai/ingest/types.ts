// The structural representation every extractor produces and the chunker consumes. Blocks are
// the units the chunker keeps whole, so each kind carries its structure (list items, table
// rows) rather than pre-rendered text.

export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'code'; text: string };

export interface ExtractedDocument {
  title: string;
  blocks: Block[];
}
