type BreakerState = 'closed' | 'half-open' | 'open' | 'isolated';

export interface CallCounts {
  success: number;
  failure: number;
  timeout: number;
  rejected: number;
}

export interface InstanceView {
  id: string;
  host: string;
  port: number;
  weight: number;
  state: BreakerState;
  inFlight: number;
  calls: CallCounts;
  lastStateChange: string | null;
  /** Reads and writes run in separate lanes, each with its own breaker. */
  groups?: Record<'read' | 'write', { state: BreakerState; inFlight: number }>;
}

export interface ServiceView {
  name: string;
  transport: string;
  instances: InstanceView[];
}

const SEVERITY: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

export const STATE_LABEL: Record<BreakerState, string> = {
  closed: 'Closed (healthy)',
  'half-open': 'Half-open (trying)',
  open: 'Open (failing fast)',
  isolated: 'Isolated (held open)',
};

/** The state that best describes a service: its worst instance; no instances counts as open. */
export function worstState(instances: readonly Pick<InstanceView, 'state'>[]): BreakerState {
  if (!instances.length) return 'open';
  return instances.reduce<BreakerState>((worst, i) => ((SEVERITY[i.state] ?? 0) > SEVERITY[worst] ? i.state : worst), 'closed');
}

/** Calls since the previous poll, per outcome; a counter that went down (restart) starts over. */
export function callDelta(previous: CallCounts | undefined, current: CallCounts): CallCounts {
  const d = (k: keyof CallCounts) => (previous && current[k] >= previous[k] ? current[k] - previous[k] : current[k]);
  return { success: d('success'), failure: d('failure'), timeout: d('timeout'), rejected: d('rejected') };
}

/** The dominant outcome of an interval, for the recent-outcomes strip. */
export function intervalOutcome(delta: CallCounts): 'idle' | 'ok' | 'mixed' | 'failing' {
  const bad = delta.failure + delta.timeout + delta.rejected;
  if (bad + delta.success === 0) return 'idle';
  if (bad === 0) return 'ok';
  return delta.success === 0 ? 'failing' : 'mixed';
}

export function formatRating(average: number | null | undefined, count: number | null | undefined): string {
  if (!count || average === null || average === undefined) return 'No ratings yet';
  return `${average.toFixed(1)} / 5 from ${count} rating${count === 1 ? '' : 's'}`;
}

/** Genres may arrive as names or as {name} objects. */
export function genreNames(genres: unknown): string[] {
  if (!Array.isArray(genres)) return [];
  return genres
    .map((g) => (typeof g === 'string' ? g : g && typeof g === 'object' && 'name' in g ? String((g as { name: unknown }).name) : ''))
    .filter(Boolean);
}

export function isFallback(strategy: string | null | undefined): boolean {
  return !!strategy && /fallback/i.test(strategy);
}

const STRATEGY_LABEL: Record<string, string> = {
  'item-cf': 'personal picks, from movies similar to the ones rated highly',
  popular: 'popular picks, until there are enough ratings for personal ones',
};

export function describeStrategy(strategy: string | null | undefined): string {
  if (!strategy) return 'unknown';
  if (isFallback(strategy)) return `${strategy}: the recommendation service is unavailable, showing popular movies instead`;
  return STRATEGY_LABEL[strategy] ? `${strategy}: ${STRATEGY_LABEL[strategy]}` : strategy;
}

export function pageCount(total: number, limit: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, limit)));
}

/** Only images the page's CSP allows (same origin, https, data) are shown. */
export function safeImageUrl(url: unknown, origin: string): string | null {
  if (typeof url !== 'string' || !url) return null;
  try {
    const parsed = new URL(url, origin);
    if (parsed.protocol === 'https:' || parsed.protocol === 'data:' || parsed.origin === origin) return parsed.href;
  } catch {
    // Not a URL at all: show the placeholder.
  }
  return null;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}
