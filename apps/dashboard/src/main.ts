import { ApiError, describeError, Session } from './api.js';
import { field, h, notice, onEvent, replace } from './dom.js';
import type { Context, PageName, View } from './view.js';
import { moviesView } from './views/movies.js';
import { overviewView } from './views/overview.js';
import { recommendationsView } from './views/recommendations.js';
import { tracesView } from './views/traces.js';
import { usersView } from './views/users.js';

const PAGES: { name: PageName; label: string; adminOnly: boolean; view: (ctx: Context) => View }[] = [
  { name: 'overview', label: 'Overview', adminOnly: false, view: overviewView },
  { name: 'movies', label: 'Movies', adminOnly: false, view: moviesView },
  { name: 'recommendations', label: 'Recommendations', adminOnly: false, view: recommendationsView },
  { name: 'users', label: 'Users', adminOnly: true, view: usersView },
  { name: 'traces', label: 'Slow requests', adminOnly: true, view: tracesView },
];

const root = document.getElementById('app')!;
const session = new Session({ onExpired: (reason) => showLogin(describeError(reason)) });
let current: View | null = null;

function unmount(): void {
  current?.dispose();
  current = null;
}

function showLogin(message?: string): void {
  unmount();
  document.title = 'Sign in · Movie platform';
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'login-password',
  });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, 'Sign in');
  const result = h('div', { 'aria-live': 'assertive' }, message ? notice('error', message) : null);
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Movie platform'),
    h('p', { class: 'muted' }, 'Sign in to the dashboard.'),
    field('Username', username),
    field('Password', password),
    submit,
    result,
  );
  onEvent(form, 'submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    replace(result, h('p', { class: 'muted', role: 'status' }, 'Signing in…'));
    try {
      const me = await session.login(username.value.trim(), password.value);
      const wanted = pageFromHash();
      showShell(wanted ?? (me.role === 'admin' ? 'overview' : 'movies'));
    } catch (err) {
      const text = err instanceof ApiError && err.status === 401 ? `Sign-in failed: ${describeError(err)}` : describeError(err);
      replace(result, notice('error', text));
      submit.disabled = false;
      password.select();
    }
  });
  replace(root, h('main', { class: 'login-wrap', id: 'main' }, form));
  username.focus();
}

function pageFromHash(): PageName | null {
  const name = location.hash.replace(/^#\/?/, '');
  return PAGES.some((p) => p.name === name) ? (name as PageName) : null;
}

function showShell(page: PageName): void {
  const me = session.me!;
  const nav = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Dashboard pages' },
    PAGES.filter((p) => !p.adminOnly || session.isAdmin).map((p) =>
      h('a', { href: `#/${p.name}`, 'data-testid': `nav-${p.name}`, 'data-page': p.name }, p.label),
    ),
  );
  const logout = h('button', { type: 'button', class: 'link', 'data-testid': 'logout' }, 'Sign out');
  onEvent(logout, 'click', async () => {
    logout.disabled = true;
    await session.logout();
    history.replaceState(null, '', location.pathname);
    showLogin();
  });
  const main = h('main', { id: 'main', tabindex: -1 });
  replace(
    root,
    h(
      'header',
      { class: 'top' },
      h(
        'div',
        { class: 'brand' },
        h('h1', {}, 'Movie platform'),
        h('span', { class: 'whoami', 'data-testid': 'whoami' }, `${me.username} · ${me.role || 'no role'}`),
        logout,
      ),
      nav,
    ),
    main,
  );
  show(page);

  function show(name: PageName): void {
    unmount();
    const def = PAGES.find((p) => p.name === name)!;
    nav.querySelectorAll('a').forEach((link) => {
      if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    document.title = `${def.label} · Movie platform`;
    if (def.adminOnly && !session.isAdmin) {
      replace(main, notice('error', 'This page is for administrators only.'));
      return;
    }
    const ctx: Context = { session, navigate: (to) => (location.hash = `#/${to}`) };
    current = def.view(ctx);
    replace(main, current.el);
    if (location.hash !== `#/${name}`) history.replaceState(null, '', `#/${name}`);
  }

  window.onhashchange = () => {
    if (!session.signedIn) return;
    const name = pageFromHash();
    if (name) show(name);
  };
}

window.addEventListener('unhandledrejection', (e) => {
  // A failure no view caught still reaches the user as a sentence, never as a blank page.
  const banner = notice('error', describeError(e.reason));
  banner.classList.add('floating');
  document.body.append(banner);
  setTimeout(() => banner.remove(), 8000);
});

showLogin();
