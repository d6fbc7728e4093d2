import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { loadConfig } from '@app/config';
import {
  activeTraceIds,
  contextFromTraceParent,
  otlpEndpoint,
  SpanKind,
  startChildSpan,
  startSpan,
  startTracing,
  stopTracing,
  traceBuffer,
  traceParentOf,
  tracingOn,
  tracingWanted,
  withActiveSpan,
} from './tracing.util';

const config = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env });

describe('tracing', () => {
  afterEach(() => stopTracing());

  it('is off by default: nothing registered, no spans, no ids', async () => {
    expect(tracingWanted(config(), {})).toBe(false);
    expect(await startTracing(config(), { service: 'movie' }, {})).toBe(false);
    expect(tracingOn()).toBe(false);
    expect(startSpan('x', SpanKind.SERVER, {})).toBeUndefined();
    expect(withActiveSpan(undefined, () => activeTraceIds())).toBeUndefined();
    expect(traceBuffer()).toBeUndefined();
  });

  it('turns on with TRACING_ENABLED or an OTLP endpoint, and off with OTEL_SDK_DISABLED', () => {
    expect(tracingWanted(config({ TRACING_ENABLED: 'true' }), {})).toBe(true);
    expect(tracingWanted(config(), { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://a/v1/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b' })).toBe(
      'http://a/v1/traces',
    );
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(tracingWanted(config({ TRACING_ENABLED: 'true' }), { OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('refuses an OTLP protocol it cannot speak, naming the variable', async () => {
    await expect(
      startTracing(
        config(),
        { service: 'movie' },
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      ),
    ).rejects.toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc/);
    expect(tracingOn()).toBe(false);
  });

  it('carries a span across a message as W3C trace context, and ignores a malformed one', async () => {
    await startTracing(config({ TRACING_ENABLED: 'true' }), { service: 'gateway' }, {});
    const caller = startSpan('movie catalog.movies.get', SpanKind.CLIENT, {}, ROOT_CONTEXT)!;
    const traceparent = traceParentOf(caller)!;
    expect(traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    const server = startSpan('catalog.movies.get', SpanKind.SERVER, {}, contextFromTraceParent(traceparent))!;
    expect(server.spanContext().traceId).toBe(caller.spanContext().traceId);
    for (const bad of [undefined, 42, 'garbage', `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01\nx`]) {
      expect(trace.getSpan(contextFromTraceParent(bad))).toBeUndefined();
    }
    server.end();
    caller.end();
  });

  it('gives log lines the active span ids, and starts child spans only inside one', async () => {
    await startTracing(config({ TRACING_ENABLED: 'true' }), { service: 'movie' }, {});
    expect(startChildSpan('find movies', SpanKind.CLIENT, {})).toBeUndefined();
    const span = startSpan('catalog.movies.get', SpanKind.SERVER, {}, ROOT_CONTEXT)!;
    withActiveSpan(span, () => {
      expect(activeTraceIds()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      const child = startChildSpan('find movies', SpanKind.CLIENT, {})!;
      expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
      child.end();
    });
    expect(activeTraceIds()).toBeUndefined();
    span.end();
  });

  it('keeps requests at least slowMs long, newest first, with their spans', async () => {
    await startTracing(
      config({ TRACING_ENABLED: 'true', TRACING_SLOW_MS: '20', TRACING_KEEP: '2' }),
      { service: 'gateway', keepSlow: true },
      {},
    );
    const request = async (name: string, ms: number) => {
      const root = startSpan(name, SpanKind.SERVER, {}, ROOT_CONTEXT)!;
      await withActiveSpan(root, async () => {
        const call = startChildSpan('movie catalog.movies.get', SpanKind.CLIENT, { 'rpc.service': 'movie' })!;
        await new Promise((r) => setTimeout(r, ms));
        call.addEvent('attempt', { 'resilience.breaker.state': 'closed' });
        call.end();
      });
      root.end();
    };
    await request('GET /fast', 0);
    await request('GET /slow-1', 30);
    await request('GET /slow-2', 30);
    await request('GET /slow-3', 30);
    const kept = traceBuffer()!.recent();
    expect(kept.map((t) => t.name)).toEqual(['GET /slow-3', 'GET /slow-2']);
    const [root, call] = kept[0].spans;
    expect(root).toMatchObject({ kind: 'server', service: 'gateway', offsetMs: 0 });
    expect(root.parentId).toBeUndefined();
    expect(call).toMatchObject({ parentId: root.spanId, kind: 'client', attributes: { 'rpc.service': 'movie' } });
    expect(call.durationMs).toBeGreaterThanOrEqual(25);
    expect(call.events[0]).toMatchObject({ name: 'attempt', attributes: { 'resilience.breaker.state': 'closed' } });
  });
});
