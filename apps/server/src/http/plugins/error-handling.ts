import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../core/errors/domain-error.js';
import type { ErrorDialect } from '../errors/dialect.js';
import { nativeErrors } from '../errors/native-errors.js';
import { toProblem } from '../errors/problem.js';

/**
 * One error handler for the whole app: the route's dialect (route config `errors`, the
 * native API's by default) spells the error. Unexpected errors are logged with the
 * request id and answered with a 500 that reveals nothing internal.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.unexpected) request.log.error({ err: error }, 'unhandled error');
    const dialect: ErrorDialect = request.routeOptions.config.errors ?? nativeErrors;
    const response = dialect.toResponse(problem, request.id);
    return reply.status(response.status).send(response.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const response = nativeErrors.toResponse(
      {
        error: new DomainError('ROUTE_NOT_FOUND', {
          message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
        }),
        issues: [],
        unexpected: false,
      },
      request.id,
    );
    return reply.status(response.status).send(response.body);
  });
}
