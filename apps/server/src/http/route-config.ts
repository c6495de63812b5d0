import type { Principal } from '../core/auth/principal.js';
import type { Permission } from '../core/roles/role-configuration.js';
import type { ErrorDialect } from './errors/dialect.js';

/**
 * How a route authenticates. Every route must declare it (the app refuses to start
 * otherwise), so "forgot to check auth" cannot happen silently.
 */
export type RouteAuth =
  | { readonly mode: 'public' }
  | {
      readonly mode: 'principal';
      /** The role switch the caller needs; omitted: any member of the account. */
      readonly permission?: Permission;
      /** Path parameter holding the account id; the caller must belong to that account. */
      readonly accountParam?: string;
      /** Code for a missing or bad token (WotNot uses two). Default UNAUTHORIZED. */
      readonly unauthorizedCode?: 'UNAUTHORIZED' | 'JWT_SIGNATURE_EXCEPTION';
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    errors?: ErrorDialect;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The JSON body as received, for routes that verify a signature over it. */
    rawBody?: string;
  }
}

export const PUBLIC: RouteAuth = { mode: 'public' };
