import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { buildWidget } from '@parley/widget/build';
import { z } from 'zod';
import { PUBLIC } from '../route-config.js';
import { demoPage, previewPage } from './widget-page-html.js';

/**
 * The widget bundle and the pages around it: `/widget.js` (built from apps/widget once per
 * process, in memory: nothing generated is committed or left on disk), `/preview/:key`
 * (a bot's draft in the widget, with the debugger panel) and `/demo` (a plain page with
 * the embed tag, for trying a bot key).
 */
export function registerWidgetPages(app: FastifyInstance): void {
  let bundle: Promise<{ code: string; etag: string }> | undefined;
  const widgetJs = () => {
    bundle ??= buildWidget().then(({ code, bytes }) => ({
      code,
      etag: `"w-${String(bytes)}-${String(code.length % 65_521)}"`,
    }));
    return bundle;
  };
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/widget.js', {
    config: { auth: PUBLIC },
    schema: { hide: true },
    handler: async (request, reply) => {
      const { code, etag } = await widgetJs();
      void reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.send(code);
    },
  });

  api.get('/preview/:previewKey', {
    config: { auth: PUBLIC },
    schema: {
      hide: true,
      params: z.object({ previewKey: z.string().regex(/^[A-Za-z0-9]{1,64}$/) }),
    },
    handler: (request, reply) =>
      reply.type('text/html; charset=utf-8').send(previewPage(request.params.previewKey)),
  });

  api.get('/demo', {
    config: { auth: PUBLIC },
    schema: {
      hide: true,
      querystring: z.object({ bot_key: z.string().regex(/^[A-Za-z0-9]{1,64}$/) }),
    },
    handler: (request, reply) =>
      reply.type('text/html; charset=utf-8').send(demoPage(request.query.bot_key)),
  });
}
