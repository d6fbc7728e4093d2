import { describeError } from '../api.js';
import { field, h, notice, onEvent, replace } from '../dom.js';
import { describeStrategy, formatDate, isFallback } from '../format.js';
import { Context, View } from '../view.js';
import { cover, Movie } from './movies.js';

interface Recommendation {
  movie: Movie;
  score: number;
  reason: string;
}

interface Recommendations {
  items: Recommendation[];
  strategy: string;
  generatedAt?: string | null;
}

interface BuildSummary {
  builtAt?: string;
  users?: number;
  movies?: number;
  ratings?: number;
  ms?: number;
}

const LIMIT = 20;

const REASON_LABEL: Record<string, string> = {
  similar: 'Similar to movies you rated highly',
  popular: 'Popular with everyone',
};

/** Own recommendations; for admins also anyone's, and a rebuild button. */
export function recommendationsView(ctx: Context): View {
  let disposed = false;
  const own = h('div');
  const refresh = h('button', { type: 'button', 'data-testid': 'recommendations-refresh', onclick: () => void loadOwn() }, 'Refresh');
  const el = h(
    'section',
    { class: 'page', 'aria-labelledby': 'recs-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'recs-title' }, 'Your recommendations'), refresh),
    own,
  );

  async function loadOwn(): Promise<void> {
    replace(own, h('p', { class: 'muted', role: 'status' }, 'Loading recommendations…'));
    try {
      const recs = await ctx.session.call('get', '/api/v2/recommendations', { query: { limit: LIMIT } });
      if (!disposed) replace(own, renderList(recs, 'you'));
    } catch (err) {
      if (!disposed) replace(own, notice('error', `Could not load your recommendations: ${describeError(err)}`));
    }
  }

  if (ctx.session.isAdmin) el.append(adminPanel());

  function adminPanel(): HTMLElement {
    const search = h('input', { type: 'search', placeholder: 'Filter by name', autocomplete: 'off' });
    const user = h('select', { 'data-testid': 'recommendations-user' }, h('option', { value: '' }, 'Choose a user…'));
    const theirs = h('div');
    const rebuildResult = h('div', { 'aria-live': 'polite' });
    const rebuild = h('button', { type: 'button', class: 'primary', 'data-testid': 'recommendations-rebuild' }, 'Rebuild recommendations');
    const pick = h(
      'form',
      { class: 'filters', 'aria-label': 'Show another user’s recommendations' },
      field('Find user', search),
      field('User', user),
      h('button', { type: 'submit' }, 'Show'),
    );

    async function loadUsers(): Promise<void> {
      try {
        const page = await ctx.session.call('get', '/api/v2/users', { query: { limit: 100, q: search.value.trim() || undefined } });
        if (disposed) return;
        const selected = user.value;
        replace(
          user,
          h('option', { value: '' }, page.items.length ? 'Choose a user…' : 'No users match'),
          page.items.map((u) => h('option', { value: u.id, selected: u.id === selected }, `${u.username} (${u.role})`)),
        );
      } catch (err) {
        if (!disposed) replace(theirs, notice('error', `Could not load the users: ${describeError(err)}`));
      }
    }

    async function loadTheirs(): Promise<void> {
      if (!user.value) {
        replace(theirs, notice('error', 'Choose a user first.'));
        return;
      }
      const name = user.selectedOptions[0]?.textContent ?? 'this user';
      replace(theirs, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
      try {
        const recs = await ctx.session.call('get', '/api/v2/recommendations/users/{id}', {
          path: { id: user.value },
          query: { limit: LIMIT },
        });
        if (!disposed) replace(theirs, renderList(recs, name));
      } catch (err) {
        if (!disposed) replace(theirs, notice('error', `Could not load recommendations for ${name}: ${describeError(err)}`));
      }
    }

    let filterTimer: ReturnType<typeof setTimeout> | undefined;
    search.addEventListener('input', () => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => void loadUsers(), 250);
    });
    user.addEventListener('change', () => void loadTheirs());
    pick.addEventListener('submit', (e) => {
      e.preventDefault();
      void loadTheirs();
    });
    onEvent(rebuild, 'click', async () => {
      rebuild.disabled = true;
      replace(rebuildResult, h('p', { class: 'muted', role: 'status' }, 'Rebuilding…'));
      try {
        const built = await ctx.session.call('post', '/api/v2/recommendations/rebuild');
        if (disposed) return;
        replace(rebuildResult, notice('success', `Recommendations rebuilt.${built ? ` ${buildFigures(built)}` : ''}`));
        void loadOwn();
        if (user.value) void loadTheirs();
      } catch (err) {
        if (!disposed) replace(rebuildResult, notice('error', `Could not rebuild: ${describeError(err)}`));
      } finally {
        rebuild.disabled = false;
      }
    });
    void loadUsers();
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'recs-admin-title' },
      h('h3', { id: 'recs-admin-title' }, 'Administration'),
      h(
        'div',
        { class: 'page-head' },
        h('p', { class: 'muted' }, 'Recompute everyone’s recommendations from the latest ratings.'),
        rebuild,
      ),
      rebuildResult,
      h('h4', {}, 'Another user’s recommendations'),
      pick,
      theirs,
    );
  }

  void loadOwn();
  return { el, dispose: () => (disposed = true) };
}

function renderList(recs: Recommendations, whose: string): HTMLElement {
  const fallback = isFallback(recs.strategy);
  return h(
    'div',
    { class: 'recs' },
    h(
      'p',
      {
        class: `strategy ${fallback ? 'is-fallback' : ''}`,
        'data-testid': 'recommendation-strategy',
        'data-strategy': recs.strategy ?? '',
        role: fallback ? 'alert' : null,
      },
      h('strong', {}, 'Strategy: '),
      describeStrategy(recs.strategy),
      recs.generatedAt ? h('span', { class: 'muted' }, ` · generated ${formatDate(recs.generatedAt)}`) : null,
    ),
    recs.items.length
      ? h(
          'ol',
          { class: 'rec-list', 'aria-label': `Recommendations for ${whose}` },
          recs.items.map((r) =>
            h(
              'li',
              { class: 'rec card', 'data-testid': 'recommendation-item', 'data-reason': r.reason },
              cover(r.movie, 'cover cover-small'),
              h(
                'div',
                {},
                h('h4', {}, r.movie.name),
                h('p', {}, h('span', { class: `badge reason-${r.reason}` }, r.reason), ' ', REASON_LABEL[r.reason] ?? ''),
                h(
                  'p',
                  { class: 'muted' },
                  `Score ${Number.isFinite(r.score) ? r.score.toFixed(2) : '—'}${r.movie.year ? ` · ${r.movie.year}` : ''}`,
                ),
              ),
            ),
          ),
        )
      : notice('info', 'Nothing to recommend yet: rate a few movies first.'),
  );
}

function buildFigures(built: BuildSummary): string {
  const parts = [
    built.ratings !== undefined ? `${built.ratings} ratings` : null,
    built.users !== undefined ? `${built.users} users` : null,
    built.movies !== undefined ? `${built.movies} movies` : null,
  ].filter(Boolean);
  const took = built.ms !== undefined ? ` in ${built.ms} ms` : '';
  return parts.length ? `Used ${parts.join(', ')}${took}.` : '';
}
