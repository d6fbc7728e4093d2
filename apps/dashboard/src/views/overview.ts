import { describeError } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { callDelta, CallCounts, intervalOutcome, InstanceView, ServiceView, STATE_LABEL, worstState } from '../format.js';
import { refresher, type Context, type View } from '../view.js';

const POLL_MS = 2000;
const HISTORY = 15;

/** What the registry adds to each instance and service (GET /api/v2/admin/services). */
interface RegisteredInstance extends InstanceView {
  source?: string;
  metadata?: Record<string, string>;
  lastSeen?: string;
}

interface RegisteredService extends ServiceView {
  instances: RegisteredInstance[];
  registry?: { source: string; reachable: boolean; lastError: string | null };
}

function ago(iso: string | undefined): string {
  if (!iso) return '–';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return seconds < 1 ? 'just now' : `${seconds} s ago`;
}

interface Readiness {
  status?: string;
  message?: string;
  details?: Record<string, { status?: string; reason?: string; instance?: string; registry?: string }>;
}

/** Operators' page: gateway readiness and one card per service with its breakers, refreshed every 2 s. */
export function overviewView(ctx: Context): View {
  const readiness = h('section', { class: 'panel', 'aria-labelledby': 'readiness-title' });
  const cards = h('div', { class: 'cards', 'data-testid': 'service-cards' });
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const servicesError = h('div');
  const admin = ctx.session.isAdmin;
  const el = h(
    'section',
    { class: 'page', 'aria-labelledby': 'overview-title' },
    h('h2', { id: 'overview-title' }, 'Overview'),
    readiness,
    admin
      ? h(
          'section',
          { 'aria-labelledby': 'services-title' },
          h('h3', { id: 'services-title' }, 'Services and circuit breakers'),
          servicesError,
          cards,
        )
      : notice('info', 'Service breakers are visible to administrators only.'),
    status,
  );

  const previous = new Map<string, CallCounts>();
  const history = new Map<string, string[]>();
  const refresh = refresher(POLL_MS);

  const tick = async () => {
    await Promise.all([loadReadiness(), admin ? loadServices() : Promise.resolve()]);
    if (refresh.disposed) return;
    replace(status, `Updated ${new Date().toLocaleTimeString()}; refreshes every ${POLL_MS / 1000} s.`);
  };

  async function loadReadiness(): Promise<void> {
    let ready: boolean;
    let body: Readiness;
    try {
      // Anonymous readiness says only up or down; an admin's token adds reasons and registry state.
      const res = await fetch('/health/ready', { headers: { accept: 'application/json', ...ctx.session.authorization() } });
      ready = res.status === 200;
      body = (await res.json().catch(() => ({}))) as Readiness;
    } catch {
      if (refresh.disposed) return;
      replace(readiness, h('h3', { id: 'readiness-title' }, 'Gateway readiness'), notice('error', 'Cannot reach the gateway.'));
      return;
    }
    if (refresh.disposed) return;
    const details = Object.entries(body.details ?? {});
    replace(
      readiness,
      h('h3', { id: 'readiness-title' }, 'Gateway readiness'),
      h(
        'p',
        { class: `readiness ${ready ? 'is-ready' : 'is-not-ready'}`, 'data-testid': 'readiness', 'data-ready': String(ready) },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        ready ? 'Ready: every service answers' : (body.message ?? 'Not ready'),
      ),
      h(
        'ul',
        { class: 'readiness-list' },
        details.map(([name, d]) =>
          h(
            'li',
            { class: d.status === 'up' ? 'up' : 'down' },
            h('strong', {}, name),
            ` ${d.status === 'up' ? 'up' : 'down'}`,
            d.reason ? h('span', { class: 'muted' }, ` (${d.reason})`) : null,
            d.registry ? h('span', { class: 'muted' }, ` · registry: ${d.registry}`) : null,
          ),
        ),
      ),
    );
  }

  async function loadServices(): Promise<void> {
    try {
      const { services } = await ctx.session.request<{ services: RegisteredService[] }>('GET', '/api/v2/admin/services');
      if (refresh.disposed) return;
      replace(servicesError);
      replace(cards, ...services.map(serviceCard));
    } catch (err) {
      if (refresh.disposed) return;
      replace(servicesError, notice('error', `Could not load the services: ${describeError(err)}`));
    }
  }

  function serviceCard(service: RegisteredService): HTMLElement {
    const worst = worstState(service.instances);
    const titleId = `svc-${service.name}`;
    return h(
      'article',
      {
        class: `card service-card state-${worst}`,
        'data-testid': 'service-card',
        'data-service': service.name,
        'data-state': worst,
        'aria-labelledby': titleId,
      },
      h(
        'header',
        { class: 'card-head' },
        h('h4', { id: titleId }, service.name),
        h('span', { class: `badge state-${worst}` }, STATE_LABEL[worst] ?? worst),
      ),
      h(
        'p',
        { class: 'muted' },
        `${service.transport.toUpperCase()} · ${service.instances.length} instance${service.instances.length === 1 ? '' : 's'}` +
          (service.registry ? ` · registry ${service.registry.source}` : ''),
      ),
      service.registry && !service.registry.reachable
        ? notice('error', `Registry unreachable (${service.registry.lastError ?? 'no answer'}): showing the last known instances.`)
        : null,
      service.instances.map((i) => instanceBlock(service.name, i)),
    );
  }

  function instanceBlock(serviceName: string, i: RegisteredInstance): HTMLElement {
    const key = `${serviceName}/${i.id}`;
    const delta = callDelta(previous.get(key), i.calls);
    previous.set(key, { ...i.calls });
    const strip = [...(history.get(key) ?? []), intervalOutcome(delta)].slice(-HISTORY);
    history.set(key, strip);
    return h(
      'div',
      { class: `instance state-${i.state}`, 'data-testid': 'instance', 'data-state': i.state, 'data-source': i.source ?? 'static' },
      h(
        'div',
        { class: 'instance-head' },
        h('span', { class: 'instance-id' }, i.id),
        h('span', { class: `badge state-${i.state}` }, STATE_LABEL[i.state] ?? i.state),
      ),
      h(
        'dl',
        { class: 'stats' },
        stat('Address', i.port ? `${i.host}:${i.port}` : i.host),
        stat('Weight', i.weight),
        stat('Registry', i.source ?? 'static'),
        stat('Version', i.metadata?.version ?? '–'),
        stat('Last seen', ago(i.lastSeen)),
        stat('In flight', i.inFlight),
        ...(i.groups ? [stat('Reads breaker', i.groups.read.state), stat('Writes breaker', i.groups.write.state)] : []),
        stat('Succeeded', i.calls.success),
        stat('Failed', i.calls.failure),
        stat('Timed out', i.calls.timeout),
        stat('Rejected', i.calls.rejected),
      ),
      h(
        'div',
        { class: 'recent' },
        h(
          'span',
          { class: 'muted' },
          `Last ${POLL_MS / 1000} s: ${delta.success} ok, ${delta.failure + delta.timeout} failed, ${delta.rejected} rejected`,
        ),
        h(
          'ol',
          { class: 'strip', 'aria-label': `Outcomes of the last ${strip.length} intervals, oldest first` },
          strip.map((o) => h('li', { class: `o-${o}`, title: o }, h('span', { class: 'sr-only' }, o))),
        ),
      ),
    );
  }

  refresh.start(tick);
  return { el, dispose: () => refresh.dispose() };
}

function stat(label: string, value: string | number): HTMLElement[] {
  return [h('dt', {}, label), h('dd', {}, String(value))];
}
