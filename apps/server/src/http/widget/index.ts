import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MediaStore } from '../../core/media/media-store.js';
import type { Runtime } from '../../runtime.js';
import type { SocketShutdowns } from '../websockets.js';
import { VisitorTokens } from '../../widget/visitor-token.js';
import { WidgetHub } from '../../widget/widget-hub.js';
import { WidgetService } from '../../widget/widget-service.js';
import { WidgetChannels } from '../../widget/widget-visitors.js';
import { registerMediaRoutes } from '../media-routes.js';
import { registerPreviewDebugRoute } from './preview-debug-route.js';
import { registerWidgetApiRoutes } from './widget-api-routes.js';
import { registerWidgetPages } from './widget-pages.js';
import { registerWidgetSocket } from './widget-socket-routes.js';
import { registerWidgetUploads } from './widget-upload-routes.js';

/**
 * Everything the web widget needs from the server: its bundle and pages, the visitor API,
 * the visitor socket, uploads and the media they become. Returns the hub (bench and tests
 * read its visitor count).
 */
export async function registerWidget(
  app: FastifyInstance,
  runtime: Runtime,
  shutdowns: SocketShutdowns,
): Promise<WidgetHub> {
  const { context, services, bus } = runtime;
  // Visitor tokens get a key of their own, derived from the master secret's session key.
  const tokens = new VisitorTokens(
    createHmac('sha256', context.sessionKey).update('widget-visitor-token').digest(),
  );
  const channels = new WidgetChannels(context, services.channels, tokens);
  const widget = new WidgetService(context, services, channels, tokens);
  const media = new MediaStore(context.db, context.config.publicUrl);
  const hub = new WidgetHub(bus);
  hub.start();
  app.addHook('onClose', (_instance, done) => {
    hub.stop();
    done();
  });
  registerWidgetPages(app);
  registerWidgetApiRoutes(app, widget, hub);
  registerPreviewDebugRoute(app, widget);
  registerMediaRoutes(app, media);
  await registerWidgetUploads(app, widget, media);
  registerWidgetSocket(app, widget, hub, bus, shutdowns);
  return hub;
}
