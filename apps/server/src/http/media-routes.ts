import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MediaStore } from '../core/media/media-store.js';
import { PUBLIC } from './route-config.js';

/** Shown in the page itself; anything else is downloaded. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/|application\/pdf$)/;

/**
 * `GET /media/:key`: a stored file. The key is unguessable (32 random characters) and is
 * the capability, as with any chat attachment link. Files never run as our origin's pages:
 * no sniffing, a sandboxing CSP, and anything but pictures, sound, video and PDF downloads.
 */
export function registerMediaRoutes(app: FastifyInstance, media: MediaStore): void {
  app.withTypeProvider<ZodTypeProvider>().get('/media/:key', {
    config: { auth: PUBLIC },
    schema: { hide: true, params: z.object({ key: z.string().regex(/^[A-Za-z0-9]{32}$/) }) },
    handler: async (request, reply) => {
      const file = await media.get(request.params.key);
      const disposition = INLINE.test(file.mime) ? 'inline' : 'attachment';
      return reply
        .header('content-type', file.mime)
        .header('content-length', String(file.data.length))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header(
          'content-disposition',
          `${disposition}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .send(file.data);
    },
  });
}
