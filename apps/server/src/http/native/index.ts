import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { registerAccountSettingsRoutes } from './account-settings-routes.js';
import { registerAiConfigRoutes } from './ai-config-routes.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerBotChatRoutes } from './bot-chat-routes.js';
import { registerBotEditorRoutes } from './bot-editor-routes.js';
import { registerBotFlowRoutes } from './bot-flow-routes.js';
import { registerBotSessionRoutes } from './bot-session-routes.js';
import { registerChannelRoutes } from './channel-routes.js';
import { registerChannelRegisterRoutes } from './channel-register-routes.js';
import { registerChannelSetupRoutes } from './channel-setup-routes.js';
import { registerWidgetSettingsRoutes } from './widget-settings-routes.js';
import { registerKnowledgeRoutes } from './knowledge-routes.js';
import { registerContactRoutes } from './contact-routes.js';
import { registerTemplateRoutes } from './template-routes.js';
import { registerNativeWebhookRoutes } from './webhook-routes.js';
import { registerInboxRoutes } from './inbox-routes.js';
import { registerRoleRoutes } from './role-routes.js';
import { registerSlaRoutes } from './sla-routes.js';
import { registerTeamRoutes } from './team-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerUserRoutes } from './user-routes.js';

/** The native API (web app, widget, operators), mounted under /api/native. */
export function registerNativeRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  registerAuthRoutes(app, runtime);
  registerUserRoutes(app, runtime);
  registerRoleRoutes(app, runtime);
  registerTeamRoutes(app, runtime);
  registerTokenRoutes(app, runtime);
  registerChannelRoutes(app, runtime);
  registerChannelSetupRoutes(app, runtime);
  registerChannelRegisterRoutes(app, runtime);
  registerWidgetSettingsRoutes(app, runtime);
  registerKnowledgeRoutes(app, runtime);
  registerAiConfigRoutes(app, runtime);
  registerTemplateRoutes(app, runtime);
  registerContactRoutes(app, runtime);
  registerSlaRoutes(app, runtime);
  registerAccountSettingsRoutes(app, runtime);
  registerInboxRoutes(app, runtime);
  registerBotChatRoutes(app, runtime);
  registerBotEditorRoutes(app, runtime);
  registerBotFlowRoutes(app, runtime);
  registerBotSessionRoutes(app, runtime);
  registerNativeWebhookRoutes(app, runtime.services.webhooks);
  return Promise.resolve();
}
