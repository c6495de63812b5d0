import { mediaKind, messageContentSchema, type MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, VariableUse } from '../types.js';
import { field, none, templateText, templateUse } from './common.js';

export const messageData = z
  .object({
    text: templateText(
      'Message',
      'Text sent to the contact; {{variables}} are filled in.',
    ).optional(),
    media: z
      .object({
        kind: field(mediaKind, { label: 'Media type', kind: 'select' }),
        url: field(z.string().min(1).max(2_048), {
          label: 'Media URL',
          kind: 'template',
          help: 'A public URL; may contain {{variables}}.',
        }),
      })
      .optional(),
  })
  .refine((data) => data.text !== undefined || data.media !== undefined, {
    message: 'a message needs text or media',
  });
export type MessageData = z.infer<typeof messageData>;

export const messageBlock: BlockDefinition<MessageData> = {
  type: 'message',
  label: 'Send message',
  data: messageData,
  waits: false,
  handles: () => ['next', 'error'],
  reads: (data) => {
    const uses: VariableUse[] = [];
    if (data.text !== undefined) uses.push(templateUse(['text'], data.text));
    if (data.media !== undefined) uses.push(templateUse(['media', 'url'], data.media.url));
    return uses;
  },
  writes: none,
  targets: none,
  execute: (data, ctx) => {
    const text = data.text === undefined ? '' : render(data.text, ctx.scope);
    const candidate: unknown =
      data.media === undefined
        ? { type: 'text', text }
        : {
            type: 'media',
            kind: data.media.kind,
            media: { url: render(data.media.url, ctx.scope) },
            ...(text === '' ? {} : { caption: text }),
          };
    // Rendering can produce what no channel accepts (an empty text, a malformed URL):
    // that is this block's failure edge, not a crash of the turn.
    const parsed = messageContentSchema.safeParse(candidate);
    if (!parsed.success) {
      return { next: 'error', outcome: `error: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    }
    const content: MessageContent = parsed.data;
    return { next: 'next', effects: [{ type: 'send', content }] };
  },
};
