import { describeError, Schemas } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { refresher, type Context, type View } from '../view.js';

const POLL_MS = 5000;

type Trace = Schemas['SlowTraceDto'];
type Span = Schemas['TraceSpanDto'];

/** Spans in tree order (each after its parent, children by start), with their depth for the indent. */
export function spanTree(spans: Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, Span[]>();
  for (const s of spans) {
    // A parent this process did not record (split mode: a service's span) hangs its children at the top.
    const parent = s.parentId && ids.has(s.parentId) ? s.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: { span: Span; depth: number }[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.offsetMs - b.offsetMs)) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

function ms(n: number): string {
  return n >= 100 ? `${Math.round(n)} ms` : `${n.toFixed(1)} ms`;
}

/** Admins' page: the gateway's recent slow requests, each a small waterfall of its spans (GET /api/v2/admin/traces). */
export function tracesView(ctx: Context): View {
  const list = h('div', { class: 'traces', 'data-testid': 'traces' });
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const el = h(
    'section',
    { class: 'page', 'aria-labelledby': 'traces-title' },
    h('h2', { id: 'traces-title' }, 'Slow requests'),
    list,
    status,
  );
  const refresh = refresher(POLL_MS);
  const open = new Set<string>();

  const tick = async () => {
    try {
      const answer = await ctx.session.call('get', '/api/v2/admin/traces');
      if (refresh.disposed) return;
      render(answer);
      replace(status, `Updated ${new Date().toLocaleTimeString()}; refreshes every ${POLL_MS / 1000} s.`);
    } catch (err) {
      if (refresh.disposed) return;
      replace(status, notice('error', `Could not load the traces: ${describeError(err)}`));
    }
  };

  function render(answer: Schemas['SlowTracesDto']): void {
    if (!answer.enabled) {
      replace(list, notice('info', 'Tracing is off. Start the system with TRACING_ENABLED=true (or an OTLP endpoint) to record requests.'));
      return;
    }
    if (!answer.traces.length) {
      replace(list, notice('info', `No request took ${answer.slowMs} ms or more yet.`));
      return;
    }
    replace(
      list,
      h('p', { class: 'muted' }, `Requests that took ${answer.slowMs} ms or more, newest first.`),
      answer.traces.map(traceBlock),
    );
  }

  function traceBlock(t: Trace): HTMLElement {
    const details = h(
      'details',
      { class: `trace${t.error ? ' is-error' : ''}`, 'data-testid': 'trace', 'data-trace-id': t.traceId, open: open.has(t.traceId) },
      h(
        'summary',
        {},
        h('strong', {}, t.name),
        ` · ${ms(t.durationMs)} · ${t.spans.length} span${t.spans.length === 1 ? '' : 's'} · `,
        h('time', { datetime: t.startedAt }, new Date(t.startedAt).toLocaleTimeString()),
        h('span', { class: 'muted' }, ` · trace ${t.traceId}`),
      ),
      h(
        'ol',
        { class: 'waterfall', 'aria-label': `Spans of ${t.name}` },
        spanTree(t.spans).map(({ span, depth }) => spanRow(t, span, depth)),
      ),
    );
    details.addEventListener('toggle', () => (details.open ? open.add(t.traceId) : open.delete(t.traceId)));
    return details;
  }

  function spanRow(t: Trace, s: Span, depth: number): HTMLElement {
    const total = Math.max(t.durationMs, 0.001);
    const bar = h('span', { class: `bar kind-${s.kind}${s.error ? ' is-error' : ''}`, 'aria-hidden': 'true' });
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    bar.style.left = `${Math.min(100, (Math.max(0, s.offsetMs) / total) * 100)}%`;
    bar.style.width = `${Math.max(0.5, Math.min(100, (s.durationMs / total) * 100))}%`;
    const label = h('span', { class: 'span-name', title: s.name }, s.name);
    label.style.paddingLeft = `${depth}rem`;
    const events = s.events.map(
      (e) =>
        `${e.name}${
          Object.keys(e.attributes).length
            ? ` (${Object.entries(e.attributes)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')})`
            : ''
        }`,
    );
    return h(
      'li',
      { class: 'span-row', 'data-testid': 'span', 'data-kind': s.kind, 'data-service': s.service, title: events.join('\n') || undefined },
      label,
      h('span', { class: 'span-service muted' }, s.service),
      h('span', { class: 'track' }, bar),
      h('span', { class: 'span-time' }, `${ms(s.durationMs)} at +${ms(s.offsetMs)}`),
    );
  }

  refresh.start(tick);
  return { el, dispose: () => refresh.dispose() };
}
