import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics/metrics.js';

/** Request rate and latency by route template (never by raw URL: ids would explode cardinality). */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1_000);
    done();
  });
}
