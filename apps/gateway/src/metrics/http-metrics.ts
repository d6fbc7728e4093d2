import type { FastifyInstance } from 'fastify';
import { counter, histogram } from '@app/observability';

const requests = counter('http_requests_total', 'HTTP requests by method, route and status', ['method', 'route', 'status']);
const duration = histogram(
  'http_request_duration_seconds',
  'HTTP request latency by method, route and status',
  ['method', 'route', 'status'],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

/** Counts and times every HTTP reply; the route template (never the raw URL) keeps the label set bounded. */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
