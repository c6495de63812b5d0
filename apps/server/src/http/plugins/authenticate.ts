import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/auth/principal.js';
import { can } from '../../core/auth/principal.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { Services } from '../../runtime.js';
import type { RouteAuth } from '../route-config.js';

/**
 * Resolves the caller from `Authorization: Bearer …` (an API token, else a web-app
 * session JWT) and enforces the route's declared auth before the body is even validated:
 * unknown callers get 401, a token of another account 401 (nothing of it is revealed),
 * a role without the switch 403.
 */
export function registerAuthentication(app: FastifyInstance, services: Services): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (route.config?.auth !== undefined) return;
    // Only routes added by plugins (the docs UI, CORS preflight) may be implicitly public.
    if (route.url.startsWith('/docs') || route.method === 'OPTIONS') {
      route.config = { ...route.config, auth: { mode: 'public' } };
      return;
    }
    throw new Error(`Route ${route.method.toString()} ${route.url} declares no auth mode`);
  });

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (auth === undefined || auth.mode === 'public') return;
    const principal = await resolvePrincipal(request, services);
    const code = auth.unauthorizedCode ?? 'UNAUTHORIZED';
    if (principal === undefined) throw new DomainError(code);
    if (auth.accountParam !== undefined && !belongsToAccount(request, auth, principal)) {
      throw new DomainError(code);
    }
    if (auth.permission !== undefined && !can(principal, auth.permission)) {
      throw new DomainError('PERMISSION_DENIED', { details: { permission: auth.permission } });
    }
    request.principal = principal;
  });
}

async function resolvePrincipal(
  request: FastifyRequest,
  services: Services,
): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(header);
  const secret = match?.[1];
  if (secret === undefined) return undefined;
  const byToken = await services.tokens.authenticate(secret);
  if (byToken !== undefined) return byToken;
  return secret.split('.').length === 3 ? services.sessions.authenticate(secret) : undefined;
}

function belongsToAccount(
  request: FastifyRequest,
  auth: Extract<RouteAuth, { mode: 'principal' }>,
  principal: Principal,
): boolean {
  const params = request.params;
  if (typeof params !== 'object' || params === null || auth.accountParam === undefined)
    return false;
  const value: unknown = Object.getOwnPropertyDescriptor(params, auth.accountParam)?.value;
  return typeof value === 'string' && value === String(principal.accountId);
}

/** The authenticated caller of a route declared with mode 'principal'. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new DomainError('UNAUTHORIZED');
  return request.principal;
}
