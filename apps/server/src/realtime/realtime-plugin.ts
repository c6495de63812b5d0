import type { FastifyInstance } from 'fastify';
import type { RawData } from 'ws';
import type { Principal } from '../core/auth/principal.js';
import { PUBLIC } from '../http/route-config.js';
import type { SocketShutdowns } from '../http/websockets.js';
import type { Runtime, Services } from '../runtime.js';
import { SqlEventLog, teamsOfUsers } from './event-log.js';
import { DEFAULT_REALTIME_OPTIONS, RealtimeHub, type RealtimeOptions } from './hub.js';
import { CLOSE_CODES, connectQuerySchema } from './protocol.js';

/**
 * Serves the agent realtime endpoint, `GET /api/native/realtime` (WebSocket), on the app
 * (call before `ready()`, after registerWebsockets). The route is declared public because browsers cannot send an
 * Authorization header on a WebSocket: the socket authenticates itself, by `?token=` or by
 * its first message. Returns the hub (tests look at it; the app owns its lifecycle).
 */
export function registerRealtime(
  app: FastifyInstance,
  runtime: Runtime,
  shutdowns: SocketShutdowns,
  options: Partial<RealtimeOptions> = {},
): RealtimeHub {
  const { database, services, bus, logger } = runtime;
  const hub = new RealtimeHub(
    {
      bus,
      log: new SqlEventLog(database.db),
      authenticate: (secret) => authenticateSecret(services, secret),
      teamsOf: (accountId, userIds) => teamsOfUsers(database.db, accountId, userIds),
      logger: logger.child({ component: 'realtime' }),
    },
    { ...DEFAULT_REALTIME_OPTIONS, ...options },
  );

  // Replaces the plugin's default (a bare close()): 1001 tells clients to reconnect
  // elsewhere, and sockets that do not answer are cut, so `app.close()` cannot hang.
  shutdowns.add(() => hub.shutdown());
  app.get(
    '/api/native/realtime',
    {
      websocket: true,
      config: { auth: PUBLIC },
      schema: { hide: true },
      // The URL may carry a credential: it must not reach the request log.
      logSerializers: { req: redactedRequest },
    },
    (socket, request) => {
      const connection = hub.attach(socket);
      socket.on('message', (data: RawData, isBinary: boolean) => {
        connection.receive(isBinary ? '' : textOf(data));
      });
      socket.on('pong', () => {
        connection.pong();
      });
      socket.on('close', () => {
        connection.onClosed();
      });
      const query = connectQuerySchema.safeParse(request.query);
      if (query.success) connection.open(query.data);
      else void connection.close(CLOSE_CODES.badRequest, 'invalid token or since');
    },
  );
  hub.start();
  app.addHook('onClose', (_instance, done) => {
    hub.stop();
    done();
  });
  return hub;
}

/** A bearer secret as the HTTP API accepts it: an API token, else a session access token. */
export async function authenticateSecret(
  services: Pick<Services, 'tokens' | 'sessions'>,
  secret: string,
): Promise<Principal | undefined> {
  const byToken = await services.tokens.authenticate(secret);
  if (byToken !== undefined) return byToken;
  return secret.split('.').length === 3 ? services.sessions.authenticate(secret) : undefined;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}

/** Fastify's request log fields, with the `token` query parameter blanked. */
export function redactedRequest(request: unknown): Record<string, unknown> {
  if (typeof request !== 'object' || request === null) return {};
  const method = 'method' in request ? request.method : undefined;
  const url = 'url' in request && typeof request.url === 'string' ? request.url : '';
  return {
    method,
    url: url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]'),
    remoteAddress: 'ip' in request ? request.ip : undefined,
  };
}
