import { messageContentJsonSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { flowJsonSchema } from '../engine/flow.js';
import { PUBLIC } from './route-config.js';

/**
 * The published JSON Schemas: the canonical message content (`/schemas/message.json`) and
 * the bot flow document (`/schemas/flow.json`, with every block's settings and editor hints).
 * Built once: they only change with the code.
 */
export function registerSchemaRoutes(app: FastifyInstance): void {
  const message = messageContentJsonSchema();
  const flow = flowJsonSchema();
  const options = {
    config: { auth: PUBLIC },
    schema: { tags: ['schemas'], summary: 'A published JSON Schema' },
  };
  app.get('/schemas/message.json', options, (_request, reply) =>
    reply.type('application/schema+json').send(message),
  );
  app.get('/schemas/flow.json', options, (_request, reply) =>
    reply.type('application/schema+json').send(flow),
  );
}
