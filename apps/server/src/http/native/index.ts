import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerRoleRoutes } from './role-routes.js';
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
  return Promise.resolve();
}
