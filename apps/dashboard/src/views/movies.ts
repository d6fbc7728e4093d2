import { describeError, type MovieSort } from '../api.js';
import { field, h, notice, onEvent, pagerControls, replace } from '../dom.js';
import { formatRating, genreNames, safeImageUrl } from '../format.js';
import { Context, Page, View } from '../view.js';

export interface Movie {
  id: string;
  name: string;
  url?: string;
  coverImage?: string;
  description?: string;
  genres?: unknown;
  year?: number | null;
  averageRating?: number | null;
  ratingCount?: number | null;
}

const LIMIT = 12;

/** A cover picture over a lettered placeholder, which stays when there is no image the page may load. */
export function cover(movie: Movie, className = 'cover'): HTMLElement {
  const frame = h(
    'div',
    { class: `${className} cover-placeholder` },
    h('span', { 'aria-hidden': 'true' }, movie.name.slice(0, 1).toUpperCase()),
  );
  const src = safeImageUrl(movie.coverImage, location.origin);
  if (src) {
    const img = h('img', { src, alt: '', loading: 'lazy' });
    img.addEventListener('error', () => img.remove(), { once: true });
    frame.append(img);
  }
  return frame;
}

/** Browse, search, filter by genre and year, page; open a movie and rate it. */
export function moviesView(ctx: Context): View {
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Title or words', autocomplete: 'off' });
  const genre = h('select', { name: 'genre' }, h('option', { value: '' }, 'All genres'));
  const year = h('input', { type: 'number', name: 'year', min: 1870, max: 2100, inputmode: 'numeric', placeholder: 'Any' });
  const sort = h(
    'select',
    { name: 'sort' },
    h('option', { value: '' }, 'Default'),
    h('option', { value: 'name' }, 'Title A–Z'),
    h('option', { value: '-averageRating' }, 'Highest rated'),
    h('option', { value: '-year' }, 'Newest first'),
    h('option', { value: '-createdAt' }, 'Recently added'),
  );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find movies' },
    field('Search', q),
    field('Genre', genre),
    field('Year', year),
    field('Sort by', sort),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  const details = h('section', { class: 'panel details', hidden: true, 'aria-labelledby': 'movie-title', tabindex: -1 });
  const message = h('div');
  const list = h('div', { class: 'cards movies', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Movie pages' });
  const el = h(
    'section',
    { class: 'page', 'aria-labelledby': 'movies-title' },
    h('h2', { id: 'movies-title' }, 'Movies'),
    form,
    details,
    message,
    list,
    pager,
  );

  let page = 1;
  let disposed = false;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    void load();
  });
  for (const select of [genre, sort]) {
    select.addEventListener('change', () => {
      page = 1;
      void load();
    });
  }

  async function loadGenres(): Promise<void> {
    try {
      const genres = await ctx.session.call('get', '/api/v2/genres');
      if (disposed) return;
      genre.append(...genres.map((g) => h('option', { value: g.name }, g.name)));
    } catch (err) {
      if (!disposed) replace(message, notice('error', `Could not load the genres: ${describeError(err)}`));
    }
  }

  async function load(): Promise<void> {
    replace(list, h('p', { class: 'muted', role: 'status' }, 'Loading movies…'));
    try {
      const result = await ctx.session.call('get', '/api/v2/movies', {
        query: {
          page,
          limit: LIMIT,
          q: q.value.trim() || undefined,
          genre: genre.value || undefined,
          year: year.value ? Number(year.value) : undefined,
          sort: (sort.value || undefined) as MovieSort | undefined,
        },
      });
      if (disposed) return;
      replace(message);
      if (!result.items.length) replace(list, notice('info', 'No movies match.'));
      else replace(list, ...result.items.map(movieCard));
      renderPager(result);
    } catch (err) {
      if (disposed) return;
      replace(list);
      replace(pager);
      replace(message, notice('error', `Could not load the movies: ${describeError(err)}`));
    }
  }

  function renderPager(result: Page<Movie>): void {
    const go = (to: number) => {
      page = to;
      void load();
    };
    replace(pager, ...pagerControls(result, LIMIT, 'movie', go, 'movies-page'));
  }

  function movieCard(movie: Movie): HTMLElement {
    const titleId = `movie-${movie.id}`;
    return h(
      'article',
      { class: 'card movie-card', 'data-testid': 'movie-card', 'data-movie-id': movie.id, 'aria-labelledby': titleId },
      cover(movie),
      h(
        'div',
        { class: 'movie-body' },
        h('h3', { id: titleId }, movie.name),
        h(
          'p',
          { class: 'muted' },
          [movie.year ? String(movie.year) : null, genreNames(movie.genres).join(', ') || null].filter(Boolean).join(' · '),
        ),
        h('p', { class: 'rating' }, formatRating(movie.averageRating, movie.ratingCount)),
        h('button', { type: 'button', 'aria-label': `Details for ${movie.name}`, onclick: () => void openDetails(movie.id) }, 'Details'),
      ),
    );
  }

  async function openDetails(id: string, flash?: HTMLElement, rated = 0): Promise<void> {
    details.hidden = false;
    replace(details, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    try {
      const movie = await ctx.session.call('get', '/api/v2/movies/{id}', { path: { id } });
      if (disposed) return;
      renderDetails(movie, flash, rated);
    } catch (err) {
      if (disposed) return;
      replace(
        details,
        h('h3', { id: 'movie-title' }, 'Movie'),
        notice('error', `Could not load the movie: ${describeError(err)}`),
        closeButton(),
      );
    }
    details.focus();
    details.scrollIntoView({ block: 'start' });
  }

  function closeButton(): HTMLElement {
    const close = () => {
      details.hidden = true;
      replace(details);
    };
    return h('button', { type: 'button', class: 'link', onclick: close }, 'Close');
  }

  function renderDetails(movie: Movie, flash?: HTMLElement, rated = 0): void {
    let score = rated;
    const stars = [1, 2, 3, 4, 5].map((n) =>
      h(
        'button',
        { type: 'button', class: 'star', 'data-score': n, 'aria-label': `${n} star${n === 1 ? '' : 's'}`, 'aria-pressed': 'false' },
        '★',
      ),
    );
    const paint = () =>
      stars.forEach((s, i) => {
        s.setAttribute('aria-pressed', String(i + 1 === score));
        s.classList.toggle('on', i < score);
      });
    stars.forEach((s, i) =>
      s.addEventListener('click', () => {
        score = i + 1;
        paint();
      }),
    );
    paint();
    const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 1000 });
    const result = h('div', { 'aria-live': 'polite' }, flash ?? null);
    const rate = h(
      'form',
      { class: 'rate' },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Your rating'),
        h('div', { class: 'stars', role: 'group', 'aria-label': 'Score from 1 to 5 stars' }, stars),
      ),
      field('Comment (optional)', comment),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'rate-submit' }, 'Save rating'),
      result,
    );
    onEvent(rate, 'submit', async (e) => {
      e.preventDefault();
      if (!score) {
        replace(result, notice('error', 'Pick 1 to 5 stars first.'));
        return;
      }
      try {
        const body: { score: number; comment?: string } = { score };
        if (comment.value.trim()) body.comment = comment.value.trim();
        await ctx.session.call('put', '/api/v2/movies/{id}/rating', { path: { id: movie.id }, body });
        if (disposed) return;
        await openDetails(movie.id, notice('success', `Saved your rating of ${score} star${score === 1 ? '' : 's'}.`), score);
        void load();
      } catch (err) {
        if (!disposed) replace(result, notice('error', `Could not save the rating: ${describeError(err)}`));
      }
    });
    const link = safeLink(movie.url);
    replace(
      details,
      h('div', { class: 'details-head' }, h('h3', { id: 'movie-title' }, movie.name), closeButton()),
      h(
        'div',
        { class: 'details-body' },
        cover(movie, 'cover cover-large'),
        h(
          'div',
          { class: 'details-info' },
          h(
            'p',
            { class: 'muted' },
            [movie.year ? String(movie.year) : null, genreNames(movie.genres).join(', ') || null].filter(Boolean).join(' · '),
          ),
          h(
            'p',
            { class: 'rating', 'data-testid': 'movie-rating' },
            `Average rating: ${formatRating(movie.averageRating, movie.ratingCount)}`,
          ),
          movie.description ? h('p', {}, movie.description) : null,
          link ? h('p', {}, h('a', { href: link, rel: 'noopener noreferrer', target: '_blank' }, 'Watch / more information')) : null,
          rate,
        ),
      ),
    );
  }

  void loadGenres();
  void load();
  return { el, dispose: () => (disposed = true) };
}

function safeLink(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
