import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, ExecContext, VariableUse } from '../types.js';
import { field, none, templateText, templateUse, variableField } from './common.js';
import { askQuestion, invalid, maxRetriesField, retryPromptField, valid } from './interactive.js';

/** `type/subtype`, `type/*` or `*\/*`, as in an HTML `accept` attribute. */
const MIME_PATTERN = /^(?:\*\/\*|[a-z]+\/(?:\*|[a-z0-9][a-z0-9.+-]*))$/i;

export const collectFileData = z.object({
  prompt: templateText('Question'),
  accept: field(
    z.array(z.string().regex(MIME_PATTERN, 'a MIME type such as image/*')).max(20).default([]),
    {
      label: 'Accepted types',
      kind: 'list',
      help: 'MIME types such as image/* or application/pdf; empty accepts any file.',
    },
  ),
  maxBytes: field(
    z
      .number()
      .int()
      .positive()
      .max(100 * 1024 * 1024)
      .optional(),
    { label: 'Largest size (bytes)', kind: 'number' },
  ),
  variable: variableField('Save file URL in'),
  nameVariable: variableField('Save file name in', 'Set when the file has a name.').optional(),
  retryPrompt: retryPromptField(),
  maxRetries: maxRetriesField(),
});
export type CollectFileData = z.infer<typeof collectFileData>;
type Media = Extract<MessageContent, { type: 'media' }>;

/** The top-level type a media kind implies when the channel gave no MIME type. */
const FAMILY: Record<Media['kind'], string | null> = {
  image: 'image',
  sticker: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'audio',
  document: null,
};

/**
 * Whether a file matches the accept list. Without a MIME type only a wildcard matching its
 * kind can accept it ("image/*" takes a photo), since nothing else says what the file is.
 */
export function accepts(patterns: readonly string[], file: Media): boolean {
  if (patterns.length === 0) return true;
  const mime = file.media.mime?.split(';')[0]?.trim().toLowerCase();
  const [type, subtype] = mime === undefined || mime === '' ? [] : mime.split('/');
  return patterns.some((pattern) => {
    const [wantType, wantSub] = pattern.toLowerCase().split('/');
    if (wantType === '*') return true;
    if (type === undefined) return wantSub === '*' && FAMILY[file.kind] === wantType;
    return wantType === type && (wantSub === '*' || wantSub === subtype);
  });
}

function execute(data: CollectFileData, ctx: ExecContext): BlockResult {
  return askQuestion(ctx, {
    maxRetries: data.maxRetries,
    ask: (retry) => [
      {
        type: 'file_request',
        text: render(retry === null ? data.prompt : (data.retryPrompt ?? data.prompt), ctx.scope),
        accept: data.accept,
        ...(data.maxBytes === undefined ? {} : { maxBytes: data.maxBytes }),
      },
    ],
    // Text instead of a file is not an answer; a size is checked only when the channel knows it.
    answer: (content) => {
      if (content.type !== 'media' || !accepts(data.accept, content)) return invalid();
      const { size } = content.media;
      if (data.maxBytes !== undefined && size !== undefined && size > data.maxBytes) {
        return invalid();
      }
      return valid(content.media);
    },
    accept: (media) => {
      const variables: Record<string, unknown> = { [data.variable]: media.url ?? media.mediaId };
      if (data.nameVariable !== undefined && media.filename !== undefined) {
        variables[data.nameVariable] = media.filename;
      }
      return { next: 'next', variables };
    },
  });
}

export const collectFileBlock: BlockDefinition<CollectFileData> = {
  type: 'collect_file',
  label: 'Collect file',
  data: collectFileData,
  waits: true,
  handles: () => ['next', 'fallback'],
  reads: (data) => {
    const uses: VariableUse[] = [templateUse(['prompt'], data.prompt)];
    if (data.retryPrompt !== undefined) uses.push(templateUse(['retryPrompt'], data.retryPrompt));
    return uses;
  },
  writes: (data) =>
    data.nameVariable === undefined ? [data.variable] : [data.variable, data.nameVariable],
  targets: none,
  execute,
};
