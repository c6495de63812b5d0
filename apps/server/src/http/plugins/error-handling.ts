import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors/domain-error.js';
import type { ErrorDialect } from '../errors/dialect.js';
import { nativeErrors } from '../errors/native-errors.js';
import { toProblem, type Problem } from '../errors/problem.js';
import { wotnotErrors } from '../wotnot/wotnot-errors.js';

/** WotNot's documented base paths; everything else speaks the native API's dialect. */
const WOTNOT_PATHS = /^\/(api\/)?v1\//;

/**
 * The dialect of a request no route took (an unknown path, a path the router refused):
 * guessed from the path, so a WotNot client still reads the error it gets.
 */
function dialectOfPath(url: string): ErrorDialect {
  return WOTNOT_PATHS.test(url) ? wotnotErrors : nativeErrors;
}

function answer(
  reply: FastifyReply,
  request: FastifyRequest,
  dialect: ErrorDialect,
  problem: Problem,
): FastifyReply {
  const response = dialect.toResponse(problem, request.id);
  return reply.status(response.status).send(response.body);
}

/**
 * One error handler for the whole app: the route's dialect (route config `errors`, the
 * native API's by default) spells the error. Unexpected errors are logged with the
 * request id and answered with a 500 that reveals nothing internal.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.unexpected) request.log.error({ err: error }, 'unhandled error');
    return answer(reply, request, request.routeOptions.config.errors ?? nativeErrors, problem);
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new DomainError('ROUTE_NOT_FOUND', {
      message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    });
    const problem = { error, issues: [], unexpected: false };
    return answer(reply, request, dialectOfPath(request.url), problem);
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route is chosen (a path
 * parameter longer than `maxParamLength`, a malformed URL), answered in the dialect of the
 * path like an unknown route, instead of Fastify's own error body.
 */
export function answerFrameworkError(
  error: Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void answer(reply, request, dialectOfPath(request.url), toProblem(error));
}
