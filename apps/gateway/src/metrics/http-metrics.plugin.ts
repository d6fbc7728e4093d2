import type { FastifyInstance } from 'fastify';
import { counter, histogram } from '@app/observability';

const requests = counter('http_requests_total', 'HTTP requests by method, route and status', ['method', 'route', 'status']);
const duration = histogram(
  'http_request_duration_seconds',
  'HTTP request latency by method, route and status',
  ['method', 'route', 'status'],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

interface Series {
  count: { inc(): void };
  time: { observe(seconds: number): void };
}

/** Counts and times every HTTP reply; the route template (never the raw URL) keeps the label set bounded. */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  // One bound pair of metric children per (method, route, status): label objects are resolved once, not per reply.
  const series = new Map<string, Series>();
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let found = series.get(key);
    if (!found) {
      const labels = [request.method, route, String(reply.statusCode)];
      found = { count: requests.labels(...labels), time: duration.labels(...labels) };
      series.set(key, found);
    }
    found.count.inc();
    found.time.observe(reply.elapsedTime / 1000);
    done();
  });
}
