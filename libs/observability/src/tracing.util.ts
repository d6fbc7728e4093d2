import { Attributes, context, Context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SpanExporter, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { AppConfig } from '@app/config';
import { TraceBuffer } from './trace-buffer.util';

/**
 * Tracing is off unless TRACING_ENABLED or an OTLP endpoint says otherwise. Off, nothing is registered: every hook
 * below is one check of `tracer` and returns (bench/tracing.js measures it); on, one TracerProvider per process.
 */
let tracer: Tracer | undefined;
let provider: TracerProvider | undefined;
let buffer: TraceBuffer | undefined;
/** The first start, which every app of the process shares (one process starts its services side by side). */
let starting: Promise<boolean> | undefined;

export type Env = Record<string, string | undefined>;

/** The standard variables (OpenTelemetry SDK configuration): an endpoint turns export on; OTEL_SDK_DISABLED turns all off. */
export function otlpEndpoint(env: Env = process.env): string | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

export function tracingWanted(config: AppConfig, env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return config.tracing.enabled || otlpEndpoint(env) !== undefined;
}

const otlpProtocol = (env: Env): string => env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';

/** What is wrong with the OTEL_* settings tracing would use (checked with the configuration, before anything starts). */
export function otlpSettingsProblem(env: Env = process.env): string | undefined {
  const protocol = otlpProtocol(env);
  if (otlpEndpoint(env) && protocol !== 'http/protobuf' && protocol !== 'http/json') {
    return `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: http/protobuf (the default) or http/json`;
  }
  return undefined;
}

/** http/protobuf (the specification's default) or http/json; the exporter reads endpoint, headers and timeout itself. */
async function otlpExporter(env: Env): Promise<SpanExporter> {
  const problem = otlpSettingsProblem(env);
  if (problem) throw new Error(problem);
  if (otlpProtocol(env) === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
}

const positive = (raw: string | undefined, fallback: number): number => {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export interface TracingStart {
  /** `service.name` of this process's spans (the app, or `platform` for one process). */
  service: string;
  version?: string;
  /** The gateway keeps slow requests for the dashboard. */
  keepSlow?: boolean;
}

/**
 * Once per process, before its apps are created: later calls only add the gateway's buffer (`keepSlow`). Registers
 * the W3C trace-context propagator, an AsyncLocalStorage context manager and the provider, with the OTLP exporter
 * when an endpoint is set.
 */
export function startTracing(config: AppConfig, start: TracingStart, env: Env = process.env): Promise<boolean> {
  if (!tracingWanted(config, env)) return Promise.resolve(tracer !== undefined);
  if (start.keepSlow && !buffer) buffer = new TraceBuffer(config.tracing.slowMs, config.tracing.keep);
  starting ??= register(start, env).catch((err: unknown) => {
    starting = undefined;
    throw err;
  });
  return starting;
}

async function register(start: TracingStart, env: Env): Promise<boolean> {
  const processors: SpanProcessor[] = [bufferProcessor];
  if (otlpEndpoint(env)) {
    processors.push(
      new BatchSpanProcessor({
        exporter: await otlpExporter(env),
        scheduledDelayMillis: positive(env.OTEL_BSP_SCHEDULE_DELAY, 5000),
        exportTimeoutMillis: positive(env.OTEL_BSP_EXPORT_TIMEOUT, 30_000),
        maxQueueSize: positive(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048),
        maxExportBatchSize: positive(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
      }),
    );
  }
  provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || start.service,
      ...(start.version ? { [ATTR_SERVICE_VERSION]: start.version } : {}),
    }),
    spanProcessors: processors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  tracer = provider.getTracer('movie-platform');
  return true;
}

/** The gateway's buffer, once one asked for it (in one process the services start first). */
const bufferProcessor: SpanProcessor = {
  onStart: (span, parent) => buffer?.onStart(span, parent),
  onEnd: (span) => buffer?.onEnd(span),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Exports what is left (shutdown): spans of the last requests are not lost when the process stops. */
export async function stopTracing(): Promise<void> {
  await starting?.catch(() => undefined);
  const ending = provider;
  tracer = undefined;
  provider = undefined;
  buffer = undefined;
  starting = undefined;
  if (!ending) return;
  await ending.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

export function tracingOn(): boolean {
  return tracer !== undefined;
}

export function traceBuffer(): TraceBuffer | undefined {
  return buffer;
}

/** A span of this process, child of the active one (or of `parent`); undefined while tracing is off. */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent?: Context): Span | undefined {
  return tracer?.startSpan(name, { kind, attributes }, parent ?? context.active());
}

/** Runs `fn` with `span` as the active span, so that spans started inside are its children. */
export function withActiveSpan<T>(span: Span | undefined, fn: () => T): T {
  return span ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}

/** Ends a span with an error status when the work failed as the server's fault (5xx, timeouts, transport). */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    const e = error as { status?: unknown; code?: unknown; message?: unknown };
    const status = typeof e.status === 'number' ? e.status : 500;
    if (typeof e.code === 'number' || typeof e.code === 'string') span.setAttribute('error.code', String(e.code));
    if (status >= 500)
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof e.message === 'string' ? e.message.slice(0, 200) : undefined });
  }
  span.end();
}

/** W3C `traceparent` of the span, for the RPC message it travels with (authenticated with it: SECURITY.md). */
export function traceParentOf(span: Span | undefined): string | undefined {
  if (!span) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier.traceparent;
}

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** The caller's span as a remote parent, from a `traceparent` the message carried; the root context when absent or malformed. */
export function contextFromTraceParent(traceparent: unknown): Context {
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

export interface TraceIds {
  trace_id: string;
  span_id: string;
}

const idsOf = (span: Span | undefined): TraceIds | undefined => {
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
};

/** Trace and span ids of the active span, for log lines (none while tracing is off or outside a span). */
export function activeTraceIds(): TraceIds | undefined {
  return tracer ? idsOf(trace.getSpan(context.active())) : undefined;
}

/** HTTP requests (Node's IncomingMessage) and their span, for the log line written when the reply is sent. */
const requestSpans = new WeakMap<object, Span>();

export function bindRequestSpan(req: object, span: Span): void {
  requestSpans.set(req, span);
}

export function requestSpan(req: object): Span | undefined {
  return requestSpans.get(req);
}

export function requestTraceIds(req: object): TraceIds | undefined {
  return tracer ? idsOf(requestSpans.get(req)) : undefined;
}

export { SpanKind };

/** A child of the active span only: work outside any request (timers, event consumers) starts no trace of its own. */
export function startChildSpan(name: string, kind: SpanKind, attributes: Attributes): Span | undefined {
  if (!tracer) return undefined;
  const active = context.active();
  return trace.getSpan(active) ? tracer.startSpan(name, { kind, attributes }, active) : undefined;
}
