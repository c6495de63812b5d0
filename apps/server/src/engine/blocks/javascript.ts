import { z } from 'zod';
import type { BlockDefinition } from '../types.js';
import { field, none } from './common.js';

/**
 * Javascript runs in the visitor's browser, through the web widget's bridge. It never runs
 * on the server: on any other channel the block is skipped, with a log entry saying so.
 */
export const javascriptData = z.object({
  code: field(z.string().min(1).max(20_000), {
    label: 'Code',
    kind: 'code',
    help: 'Runs on the web page that embeds the widget (e.g. analytics events). Skipped on other channels.',
  }),
});
export type JavascriptData = z.infer<typeof javascriptData>;

export const WEB_CHANNEL_TYPE = 'web';

export const javascriptBlock: BlockDefinition<JavascriptData> = {
  type: 'javascript',
  label: 'Javascript',
  data: javascriptData,
  waits: false,
  handles: () => ['next'],
  reads: none,
  writes: none,
  targets: none,
  execute: (data, ctx) => {
    if (ctx.scope.channel.type !== WEB_CHANNEL_TYPE) {
      return {
        next: 'next',
        outcome: `skipped: ${String(ctx.scope.channel.type)} is not a web channel`,
      };
    }
    return {
      next: 'next',
      effects: [{ type: 'client_action', action: { type: 'javascript', code: data.code } }],
    };
  },
};
