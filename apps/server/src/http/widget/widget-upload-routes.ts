import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { widgetUploadSchema } from '@parley/protocol';
import { DomainError } from '../../core/errors/domain-error.js';
import { MAX_UPLOAD_BYTES, mediaKindOf, type MediaStore } from '../../core/media/media-store.js';
import type { WidgetService } from '../../widget/widget-service.js';
import { PUBLIC } from '../route-config.js';
import { errorResponses } from '../native/schemas.js';
import { visitorTokenOf } from './visitor-auth.js';

/**
 * `POST /widget/api/uploads` (multipart, one `file` field): a visitor's attachment, stored
 * in the media store; the widget then sends it as a media message. Size and type limits
 * are checked here, before anything is stored.
 */
export async function registerWidgetUploads(
  app: FastifyInstance,
  widget: WidgetService,
  media: MediaStore,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, parts: 6 },
    });
    scope.withTypeProvider<ZodTypeProvider>().post('/widget/api/uploads', {
      config: { auth: PUBLIC },
      schema: {
        tags: ['Widget (visitors)'],
        summary: 'Upload a file (multipart, field "file")',
        consumes: ['multipart/form-data'],
        response: { 200: widgetUploadSchema, ...errorResponses },
      },
      handler: async (request) => {
        const visitor = await widget.channels.scopeOf(visitorTokenOf(request));
        if (!request.isMultipart()) {
          throw new DomainError('BAD_REQUEST', {
            message: 'Send multipart/form-data with a "file" field.',
          });
        }
        const file = await request.file();
        if (file === undefined) {
          throw new DomainError('BAD_REQUEST', { message: 'The "file" field is missing.' });
        }
        let bytes: Buffer;
        try {
          bytes = await file.toBuffer();
        } catch {
          throw new DomainError('PAYLOAD_TOO_LARGE', {
            message: `Files may be up to ${String(MAX_UPLOAD_BYTES / 1024 / 1024)} MB.`,
          });
        }
        const stored = await media.put(visitor.accountId, {
          bytes,
          mime: file.mimetype,
          filename: file.filename,
        });
        return {
          media: {
            url: stored.url,
            mediaId: stored.key,
            mime: stored.mime,
            size: stored.size,
            filename: stored.filename,
          },
          kind: mediaKindOf(stored.mime),
        };
      },
    });
  });
}
