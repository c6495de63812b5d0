import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/** The largest frame any client of ours sends (agent realtime: a few hundred bytes). */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** Socket endpoints register how to close their sockets when the server stops. */
export interface SocketShutdowns {
  add(shutdown: () => Promise<void> | void): void;
}

/**
 * The one WebSocket server of the app. Registered once: each registration of the plugin adds
 * its own `upgrade` listener to the HTTP server, and a second one fails every upgrade the
 * first already took (with a warning per socket). Endpoints (agent realtime, widget visitors)
 * add routes with `websocket: true` and a shutdown that says goodbye to their sockets, which
 * runs before the server closes so `app.close()` never waits on an open socket.
 */
export async function registerWebsockets(app: FastifyInstance): Promise<SocketShutdowns> {
  const shutdowns: (() => Promise<void> | void)[] = [];
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_CLIENT_FRAME_BYTES },
    preClose: async () => {
      for (const shutdown of shutdowns) await shutdown();
      app.websocketServer.close();
    },
  });
  return {
    add: (shutdown) => {
      shutdowns.push(shutdown);
    },
  };
}
