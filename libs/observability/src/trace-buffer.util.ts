import { Context, HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface BufferedSpan {
  spanId: string;
  /** The span it is a child of; undefined for the request's root. */
  parentId?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** `service.name` of the process that recorded it. */
  service: string;
  /** From the start of the request. */
  offsetMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
  events: { name: string; offsetMs: number; attributes: Record<string, string | number | boolean> }[];
}

export interface BufferedTrace {
  traceId: string;
  /** The root span's name: `GET /api/v2/movies/:id`. */
  name: string;
  startedAt: string;
  durationMs: number;
  error: boolean;
  /** Start order; a child after its parent. */
  spans: BufferedSpan[];
}

const KINDS: Record<SpanKind, BufferedSpan['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** Spans of requests still running are held for at most this many requests (the oldest go first). */
const OPEN_MAX = 2000;
const SPANS_PER_TRACE_MAX = 500;

const ms = (t: HrTime): number => t[0] * 1000 + t[1] / 1e6;

const serviceOf = (span: ReadableSpan): string => {
  const name = span.resource.attributes[ATTR_SERVICE_NAME];
  return typeof name === 'string' ? name : '';
};

function plain(values: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') out[k] = v.length > 200 ? `${v.slice(0, 200)}…` : v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/**
 * The gateway's memory of recent slow requests (the dashboard's Traces view), a span processor beside the exporter:
 * spans are grouped by trace while the request runs; when its root span ends, the request is kept if it took at
 * least `slowMs`, else forgotten. Bounded: `keep` requests, OPEN_MAX running ones, SPANS_PER_TRACE_MAX spans each.
 */
export class TraceBuffer implements SpanProcessor {
  private readonly open = new Map<string, ReadableSpan[]>();
  private readonly kept: BufferedTrace[] = [];

  constructor(
    readonly slowMs: number,
    private readonly keep: number,
  ) {}

  onStart(_span: Span, _parent: Context): void {
    // Spans are read when they end.
  }

  onEnd(span: ReadableSpan): void {
    const { traceId } = span.spanContext();
    let spans = this.open.get(traceId);
    if (!spans) {
      if (this.open.size >= OPEN_MAX) this.open.delete(this.open.keys().next().value as string);
      this.open.set(traceId, (spans = []));
    }
    if (spans.length < SPANS_PER_TRACE_MAX) spans.push(span);
    // The request's root: no parent in this process or any other (a span with a remote parent is not one).
    if (span.parentSpanContext) return;
    this.open.delete(traceId);
    if (ms(span.duration) < this.slowMs) return;
    this.kept.unshift(this.toTrace(span, spans));
    if (this.kept.length > this.keep) this.kept.length = this.keep;
  }

  /** Newest first. */
  recent(): BufferedTrace[] {
    return [...this.kept];
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.open.clear();
    return Promise.resolve();
  }

  private toTrace(root: ReadableSpan, spans: ReadableSpan[]): BufferedTrace {
    const start = ms(root.startTime);
    // The root first: a child's clock reading may come out a hair earlier than its parent's.
    const sorted = [root, ...spans.filter((s) => s !== root).sort((a, b) => ms(a.startTime) - ms(b.startTime))];
    return {
      traceId: root.spanContext().traceId,
      name: root.name,
      startedAt: new Date(start).toISOString(),
      durationMs: round(ms(root.duration)),
      error: root.status.code === SpanStatusCode.ERROR,
      spans: sorted.map((s) => ({
        spanId: s.spanContext().spanId,
        ...(s.parentSpanContext ? { parentId: s.parentSpanContext.spanId } : {}),
        name: s.name,
        kind: KINDS[s.kind],
        service: serviceOf(s),
        offsetMs: round(ms(s.startTime) - start),
        durationMs: round(ms(s.duration)),
        error: s.status.code === SpanStatusCode.ERROR,
        attributes: plain(s.attributes),
        events: s.events.map((e) => ({ name: e.name, offsetMs: round(ms(e.time) - start), attributes: plain(e.attributes ?? {}) })),
      })),
    };
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
