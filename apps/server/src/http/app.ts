import { randomUUID } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Runtime } from '../runtime.js';
import { refusingNulCharacters } from './errors/nul-characters.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerInvitationPage } from './invitation-page.js';
import { registerSchemaRoutes } from './schema-routes.js';
import { registerNativeRoutes } from './native/index.js';
import { registerAuthentication } from './plugins/authenticate.js';
import { answerFrameworkError, registerErrorHandling } from './plugins/error-handling.js';
import { registerRequestMetrics } from './plugins/observability.js';
import { registerRateLimit } from './plugins/rate-limit.js';
import { registerWotnotRoutes } from './wotnot/index.js';
import { registerRealtime } from '../realtime/realtime-plugin.js';
import { registerApiChannelWebhooks } from './webhooks/api-channel-routes.js';
import { registerChannelWebhooks } from './webhooks/channel-webhook-routes.js';
import { registerWidget } from './widget/index.js';
import { registerWebsockets } from './websockets.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP app on a runtime. It does not listen; `server.ts` does. */
export async function buildApp(runtime: Runtime): Promise<FastifyInstance> {
  const { config, logger, metrics } = runtime;
  const baseLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: baseLogger,
    bodyLimit: config.bodyLimitBytes,
    frameworkErrors: answerFrameworkError,
    trustProxy: true,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(refusingNulCharacters(validatorCompiler));
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });

  // Integrations often send `Content-Type: application/json` with an empty body (a DELETE):
  // that is "no body", not an error. Anything else goes through Fastify's safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') done(null, undefined);
    else void parseJson(request, text, done);
  });

  registerErrorHandling(app);
  registerRequestMetrics(app, metrics);
  registerAuthentication(app, runtime.services);

  // The widget's visitor API is called from whatever site embeds it, with a bearer visitor
  // token and no cookies: any origin. The rest follows PARLEY_CORS_ORIGINS. With the default
  // (any origin) both are the same, and one fixed set of options spares every request the
  // plugin's per-request option building (a tenth of a bare request's time).
  const anyOrigin = { origin: true, credentials: false };
  if (config.corsOrigins === '*') {
    await app.register(fastifyCors, anyOrigin);
  } else {
    const listed = { origin: [...config.corsOrigins], credentials: true };
    await app.register(fastifyCors, {
      delegator: (request, callback) => {
        callback(null, request.url.startsWith('/widget/') ? anyOrigin : listed);
      },
    });
  }
  await registerRateLimit(app, config);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: '0.1.0',
        description:
          "Native API under /api/native, and the vendor-compatible dialects (WotNot under /v1 and /api/v1). See the README for each dialect's base path.",
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (pk_…) or a session access token.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  registerHealthRoutes(app, runtime);
  registerInvitationPage(app);
  registerSchemaRoutes(app);
  await app.register((scope) => registerNativeRoutes(scope, runtime), { prefix: '/api/native' });
  await app.register((scope) => registerWotnotRoutes(scope, runtime));
  const shutdowns = await registerWebsockets(app);
  registerRealtime(app, runtime, shutdowns);
  registerApiChannelWebhooks(app, runtime);
  await registerChannelWebhooks(app, runtime);
  await registerWidget(app, runtime, shutdowns);
  return app;
}
