import type { FastifyInstance } from 'fastify';
import type { RawData } from 'ws';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { z } from 'zod';
import { PUBLIC } from '../route-config.js';
import type { SocketShutdowns } from '../websockets.js';
import type { EventBus } from '../../bus/events.js';
import { DomainError } from '../../core/errors/domain-error.js';
import { WIDGET_CLOSE, WidgetConnection } from '../../widget/widget-connection.js';
import type { WidgetHub } from '../../widget/widget-hub.js';
import { widgetMessagesAfter } from '../../widget/widget-messages.js';
import type { WidgetService } from '../../widget/widget-service.js';

const PING_INTERVAL_MS = 25_000;
const PING_SLICE = 500;

const connectQuery = z.object({
  token: z.string().min(1).max(512),
  after: z.coerce.number().int().min(0).default(0),
});

/**
 * `GET /widget/ws?token=<visitor token>&after=<seq>`: the visitor's live socket. Frames are
 * packages/protocol's WidgetServerFrame; one server-wide ping timer keeps idle sockets
 * honest (a visitor whose browser vanished is cut after two silent intervals).
 */
export function registerWidgetSocket(
  app: FastifyInstance,
  widget: WidgetService,
  hub: WidgetHub,
  bus: EventBus,
  shutdowns: SocketShutdowns,
): void {
  const alive = new Map<WidgetConnection, { ping(): void; terminate(): void; answered: boolean }>();
  // Pings go out in slices, yielding between them: ten thousand sockets pinged in one loop
  // would hold the event loop for a noticeable moment every interval.
  const timer = setInterval(() => {
    void (async () => {
      let sent = 0;
      for (const [connection, socket] of [...alive]) {
        if (!socket.answered) {
          socket.terminate();
          connection.closed();
          alive.delete(connection);
          continue;
        }
        socket.answered = false;
        socket.ping();
        if (++sent % PING_SLICE === 0) await yieldToEvents();
      }
    })();
  }, PING_INTERVAL_MS);
  timer.unref();

  shutdowns.add(() => {
    clearInterval(timer);
    for (const connection of alive.keys()) {
      connection.close(WIDGET_CLOSE.shuttingDown, 'server shutting down');
    }
  });
  app.get(
    '/widget/ws',
    { websocket: true, config: { auth: PUBLIC }, schema: { hide: true } },
    (socket, request) => {
      const query = connectQuery.safeParse(request.query);
      if (!query.success) {
        socket.close(WIDGET_CLOSE.badToken, 'token required');
        return;
      }
      // Frames arriving before the connection is set up are held, not dropped.
      const early: string[] = [];
      let connection: WidgetConnection | undefined;
      socket.on('message', (data: RawData, isBinary: boolean) => {
        const text = isBinary ? '' : textOf(data);
        if (connection === undefined) early.push(text);
        else connection.receive(text);
      });
      socket.on('close', () => {
        if (connection === undefined) return;
        connection.closed();
        alive.delete(connection);
      });
      void (async () => {
        try {
          const visitor = await widget.channels.scopeOf(query.data.token);
          const contact = await widget.ensureContact(visitor);
          const opened = new WidgetConnection(socket, hub, bus, {
            accountId: visitor.accountId,
            channelId: visitor.channel.id,
            contactId: contact.id,
          });
          const state = {
            ping: () => {
              socket.ping();
            },
            terminate: () => {
              socket.terminate();
            },
            answered: true,
          };
          socket.on('pong', () => {
            state.answered = true;
          });
          alive.set(opened, state);
          connection = opened;
          await opened.open(query.data.after, async (after) => {
            const conversation = await widget.conversationOf(visitor);
            if (conversation === undefined) return { messages: [] };
            return {
              conversationId: conversation.id,
              messages: await widgetMessagesAfter(
                widget.db,
                visitor.accountId,
                conversation.id,
                after,
              ),
            };
          });
          for (const text of early.splice(0)) opened.receive(text);
        } catch (error) {
          const invalid = error instanceof DomainError && error.code === 'VISITOR_TOKEN_INVALID';
          if (!invalid) request.log.error({ err: error }, 'widget socket failed to open');
          socket.close(invalid ? WIDGET_CLOSE.badToken : 1011, invalid ? 'invalid token' : 'error');
        }
      })();
    },
  );
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
