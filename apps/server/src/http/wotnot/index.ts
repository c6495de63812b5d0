import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { registerWotnotBotRoutes } from './bot-routes.js';
import { registerWotnotContactRoutes } from './contacts-routes.js';
import { registerWotnotConversationRoutes } from './conversation-routes.js';
import { registerWotnotUserRoutes } from './users-routes.js';
import { registerWotnotWebhookRoutes } from './webhook-routes.js';
import { registerWotnotKnowledgeBaseRoutes } from './knowledge-base-routes.js';

/** The WotNot dialect: paths exactly as WotNot's Public APIs, at the server root. */
export async function registerWotnotRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  registerWotnotUserRoutes(app, runtime);
  registerWotnotBotRoutes(app, runtime);
  registerWotnotContactRoutes(app, runtime);
  registerWotnotConversationRoutes(app, runtime);
  registerWotnotWebhookRoutes(app, runtime.services.webhooks);
  await registerWotnotKnowledgeBaseRoutes(app, runtime);
}
