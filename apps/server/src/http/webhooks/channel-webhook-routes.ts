import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ProviderRequest } from '../../channels/adapter.js';
import { enqueueInbound } from '../../channels/inbound-job.js';
import { channelContext } from '../../channels/registry.js';
import type { Runtime } from '../../runtime.js';
import { inTransaction } from '../../storage/transaction.js';
import { PUBLIC } from '../route-config.js';

const params = z.object({ key: z.string().regex(/^[0-9a-f]{16,64}$/) });

/**
 * Provider webhooks of every channel at `/webhooks/channels/:key` (the channel's public
 * key, shown by `GET /api/native/channels/:id/setup`). The adapter checks the request
 * first (signature, verify token); an authentic one is stored as a `channel.inbound` job
 * in one transaction and only then acknowledged, so a 2xx means "will be processed", even
 * across a crash, and the answer never waits for a bot.
 */
export async function registerChannelWebhooks(
  app: FastifyInstance,
  runtime: Runtime,
): Promise<void> {
  await app.register((scope, _options, done) => {
    // Signatures are computed over the exact bytes: every body stays a Buffer here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, parsed) => {
      parsed(null, body);
    });
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      handle(runtime, request, reply);
    const schema = { tags: ['Channel webhooks'], hide: true };
    scope.get('/webhooks/channels/:key', { config: { auth: PUBLIC }, schema }, handler);
    scope.post('/webhooks/channels/:key', { config: { auth: PUBLIC }, schema }, handler);
    done();
  });
}

async function handle(
  runtime: Runtime,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const parsed = params.safeParse(request.params);
  // The unguessable key names the channel, as a token would (kept for a second at most).
  const channel = parsed.success
    ? await runtime.context.caches.channelByPublicKey(runtime.database.db, parsed.data.key)
    : undefined;
  const adapter = channel === undefined ? undefined : runtime.adapters.get(channel.provider);
  if (channel === undefined || adapter === undefined || channel.enabled === 0) {
    await reply.code(404).type('text/plain').send('No such channel.');
    return;
  }
  const providerRequest = providerRequestOf(runtime.config.publicUrl, request);
  const context = channelContext(channel, (row) => runtime.services.channels.secretsOf(row));
  const verdict = adapter.verifyWebhook(context, providerRequest);
  if (verdict.kind === 'challenge') {
    await reply.code(verdict.status).type('text/plain').send(verdict.body);
    return;
  }
  if (verdict.kind === 'reject') {
    request.log.warn({ channel: channel.id, reason: verdict.reason }, 'channel webhook refused');
    await reply.code(verdict.status).type('text/plain').send('Invalid signature.');
    return;
  }
  if (request.method === 'POST') {
    await inTransaction(runtime.database.db, (unit) =>
      enqueueInbound(runtime.context, unit, channel, providerRequest),
    );
  }
  const ack = adapter.ack(providerRequest);
  await reply.code(ack.status).type(ack.contentType).send(ack.body);
}

function providerRequestOf(publicUrl: string, request: FastifyRequest): ProviderRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  const query: Record<string, string> = {};
  const url = new URL(request.url, 'http://parley.invalid');
  for (const [name, value] of url.searchParams) query[name] = value;
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return {
    method: request.method,
    // What the provider called: the public URL (Twilio signs it), not the internal one.
    url: `${publicUrl}${request.url}`,
    headers,
    query,
    body,
  };
}
