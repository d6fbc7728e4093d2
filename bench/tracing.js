#!/usr/bin/env node
// What tracing costs one request, measured on the project's own hooks (libs/observability, the resilience client's
// calls into them), in this process: no HTTP and no database, so a busy machine moves the figures little.
// Off (the default): each hook a request passes returns at its first check; the figure is compared with the CPU a
// P1 request takes (npm run bench passes the system's req/s). On: the spans one two-hop request makes (HTTP, client,
// server, a database command), with the trace-context round trip, kept in memory (no exporter).
// Usage: node bench/tracing.js [systemRps]
require('./register-ts');
const { ROOT_CONTEXT } = require('@opentelemetry/api');
const { loadConfig } = require('../libs/config/src');
const o = require('../libs/observability/src');

const REQUESTS = 200_000;
const req = {};

/** The hooks one request meets: HTTP span, client span per hop (with its attempt event), server span, log lines, db span. */
function oneRequest() {
  const http = o.startSpan('GET', o.SpanKind.SERVER, { 'http.request.method': 'GET' }, ROOT_CONTEXT);
  if (http) o.bindRequestSpan(req, http);
  o.withActiveSpan(http, () => {
    const call = o.startChildSpan('movie catalog.movies.get', o.SpanKind.CLIENT, {
      'rpc.service': 'movie',
      'rpc.method': 'catalog.movies.get',
    });
    const meta = { requestId: 'r', ...(call ? { traceparent: o.traceParentOf(call) } : {}) };
    call?.addEvent('attempt', { 'resilience.instance': 'movie-1', 'resilience.breaker.state': 'closed' });
    // The service side.
    if (o.tracingOn()) {
      const server = o.startSpan(
        'catalog.movies.get',
        o.SpanKind.SERVER,
        { 'rpc.method': 'catalog.movies.get' },
        o.contextFromTraceParent(meta.traceparent),
      );
      o.withActiveSpan(server, () => {
        const db = o.startChildSpan('find movies', o.SpanKind.CLIENT, { 'db.system.name': 'mongodb' });
        o.endSpan(db);
        o.activeTraceIds();
      });
      o.endSpan(server);
    }
    o.activeTraceIds();
    o.endSpan(call);
  });
  // The request's log line.
  const line = { ...o.requestTraceIds(req) };
  if (http) http.end();
  return line;
}

function nsPerRequest(n) {
  for (let i = 0; i < n / 10; i++) oneRequest();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) oneRequest();
  return Number(process.hrtime.bigint() - started) / n;
}

async function measure(systemRps) {
  const offNs = nsPerRequest(REQUESTS);
  await o.startTracing(loadConfig({ NODE_ENV: 'test', TRACING_ENABLED: 'true' }), { service: 'bench', keepSlow: true }, {});
  const onNs = nsPerRequest(REQUESTS / 20);
  await o.stopTracing();
  // A P1 request's CPU on the main thread is at most its share of a saturated second.
  const requestUs = systemRps ? 1e6 / systemRps : undefined;
  return {
    offNsPerRequest: +offNs.toFixed(1),
    onUsPerRequest: +(onNs / 1000).toFixed(2),
    ...(requestUs
      ? {
          p1RequestUs: +requestUs.toFixed(1),
          offPctOfP1: +((offNs / 1000 / requestUs) * 100).toFixed(3),
          onPctOfP1: +((onNs / 1000 / requestUs) * 100).toFixed(1),
        }
      : {}),
  };
}

module.exports = { measure };

if (require.main === module) {
  measure(Number(process.argv[2]) || undefined).then((r) => console.log(JSON.stringify(r)));
}
