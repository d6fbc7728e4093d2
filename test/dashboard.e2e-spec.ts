import { Browser, BrowserContext, Page } from 'playwright-core';
import { hasAttribute, hasCount, hasText, launchChromium, screenshot, visible, watchPage } from './support/browser';
import { api, RunningSystem, startSystem, waitFor } from './support/system';

const SHOTS = 'dashboard';
const SERVICES = ['auth', 'movie', 'recommendation', 'user'];
// Short-lived access tokens, so the page has to renew its token while the suite runs (30 s before expiry).
const ACCESS_TTL_SEC = 45;

/** The dashboard in a real browser against the split system: five processes, the embedded database, no mocks. */
describe('dashboard (browser, split mode)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const refreshes: { status: number; at: number }[] = [];
  let signedInAt = 0;
  let adminToken: string;

  beforeAll(async () => {
    // One after the other, the browser first: a browser that cannot start fails the suite at once, and
    // whatever did start is already assigned for afterAll to stop.
    browser = await launchChromium();
    system = await startSystem({
      mode: 'split',
      // Tracing on, every request kept: the Slow requests page has something to show.
      env: { DEMO_DATA: 'true', JWT_ACCESS_TTL_SEC: String(ACCESS_TTL_SEC), TRACING_ENABLED: 'true', TRACING_SLOW_MS: '0' },
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // A missing element fails the step in 10 s rather than playwright's 30 s.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    problems = watchPage(page);
    page.on('response', (res) => {
      if (res.url().endsWith('/api/v2/auth/refresh')) refreshes.push({ status: res.status(), at: Date.now() });
    });
  });

  /** An admin token for checks through the API. */
  async function signInThroughApi(): Promise<void> {
    const login = await api(system.baseUrl).post('/api/v2/auth/login', { username: 'admin', password: 'admin' });
    expect(login.status).toBe(200);
    adminToken = login.body.accessToken;
  }

  /** A movie to rate: from the demo data, or one made through the v1 API when the catalogue is empty. */
  async function pickMovie(): Promise<{ id: string; name: string; ratingCount: number }> {
    const admin = api(system.baseUrl, adminToken);
    let movies = await admin.get('/api/v2/movies?limit=1');
    expect(movies.status).toBe(200);
    if (movies.body.total === 0) {
      const created = await admin.post('/api/v1/movies', {
        name: 'Dashboard Test Movie',
        url: 'https://example.org/watch',
        coverImage: 'https://example.org/cover.jpg',
        description: 'Created by the dashboard browser suite.',
      });
      expect(created.status).toBe(200);
      movies = await admin.get('/api/v2/movies?limit=1');
    }
    const first = movies.body.items[0];
    return { id: first.id, name: first.name, ratingCount: first.ratingCount ?? 0 };
  }

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  afterEach(() => {
    // Any uncaught page error or CSP violation fails the step in which it happened.
    expect(problems?.splice(0) ?? []).toEqual([]);
  });

  it('serves the page at /dashboard with a strict CSP and no Swagger entry', async () => {
    const res = await fetch(`${system.baseUrl}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/dashboard/');
    const index = await fetch(`${system.baseUrl}/dashboard/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<script type="module" src="./main.js">');
    const script = await fetch(`${system.baseUrl}/dashboard/main.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const missing = await api(system.baseUrl).get('/dashboard/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    const docs = await api(system.baseUrl).get('/docs-json');
    expect(Object.keys(docs.body.paths).filter((p) => p.startsWith('/dashboard'))).toEqual([]);
    // The modules load and run under that CSP: the sign-in form appears.
    await page.goto(`${system.baseUrl}/dashboard`);
    expect(page.url()).toBe(`${system.baseUrl}/dashboard/`);
    await visible(page.getByTestId('login-username'));
    expect(await page.getByLabel('Password').getAttribute('type')).toBe('password');
  });

  it('shows a readable message for a wrong password, then signs the admin in', async () => {
    await signInThroughApi();
    await page.goto(`${system.baseUrl}/dashboard`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const alert = page.getByRole('alert');
    await hasText(alert, 'Sign-in failed');
    expect(await alert.textContent()).not.toContain('{');
    await screenshot(page, SHOTS, '01-login-error');

    await page.getByTestId('login-password').fill('admin');
    signedInAt = Date.now();
    await page.getByTestId('login-submit').click();
    await hasText(page.getByTestId('whoami'), 'admin · admin');
    for (const nav of ['nav-overview', 'nav-movies', 'nav-recommendations', 'nav-users']) await visible(page.getByTestId(nav));
    // The tokens live in memory only.
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  });

  it('shows one card per service, every breaker closed, and the gateway ready', async () => {
    await page.getByTestId('nav-overview').click();
    const cards = page.getByTestId('service-card');
    await hasCount(cards, SERVICES.length);
    expect((await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-service')))).sort()).toEqual(SERVICES);
    for (const service of SERVICES) {
      const card = page.locator(`[data-testid="service-card"][data-service="${service}"]`);
      await hasAttribute(card, 'data-state', 'closed');
      await hasText(card, 'Closed (healthy)');
      await hasText(card, 'Weight');
      await hasText(card, 'In flight');
    }
    await hasAttribute(page.getByTestId('readiness'), 'data-ready', 'true');
    // The page refreshes by itself: the success count of a service the readiness probe calls goes up.
    const succeeded = () =>
      page
        .locator('[data-service="user"] dl.stats')
        .first()
        .evaluate((dl) =>
          Number(Array.from(dl.querySelectorAll('dt')).find((dt) => dt.textContent === 'Succeeded')?.nextElementSibling?.textContent),
        );
    const before = await succeeded();
    await waitFor(async () => (await succeeded()) > before, 10_000, 'the overview to refresh');
    await screenshot(page, SHOTS, '02-overview');
  });

  it('browses, searches and rates a movie', async () => {
    const movie = await pickMovie();
    await page.getByTestId('nav-movies').click();
    await visible(page.getByTestId('movie-card').first());
    await hasText(page.getByTestId('movies-page'), 'Page 1 of');
    await page.getByLabel('Search').fill(movie.name);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const card = page.locator(`[data-testid="movie-card"][data-movie-id="${movie.id}"]`);
    await visible(card);
    await card.getByRole('button', { name: `Details for ${movie.name}` }).click();
    await visible(page.getByRole('heading', { name: movie.name, level: 3 }).first());
    await hasText(page.getByTestId('movie-rating'), 'Average rating');
    await screenshot(page, SHOTS, '03-movie-details');

    await page.getByRole('button', { name: '4 stars' }).click();
    await page.getByLabel('Comment (optional)').fill('Seen from the dashboard');
    await page.getByTestId('rate-submit').click();
    await visible(page.getByText('Saved your rating of 4 stars.'));
    const count = movie.ratingCount + 1;
    await hasText(page.getByTestId('movie-rating'), `from ${count} rating${count === 1 ? '' : 's'}`);
    const stored = await api(system.baseUrl, adminToken).get(`/api/v2/movies/${movie.id}`);
    expect(stored.body.ratingCount).toBe(count);
    await screenshot(page, SHOTS, '04-movie-rated');
  });

  it('shows recommendations with a reason each, another user’s list, and rebuilds', async () => {
    await page.getByTestId('nav-recommendations').click();
    const strategy = page.getByTestId('recommendation-strategy').first();
    await visible(strategy);
    expect(await strategy.getAttribute('data-strategy')).not.toMatch(/fallback/i);
    const items = page.getByTestId('recommendation-item');
    await visible(items.first());
    for (const reason of await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')))) {
      expect(['similar', 'popular']).toContain(reason);
    }

    await page.getByTestId('recommendations-rebuild').click();
    await visible(page.getByText(/^Recommendations rebuilt\./));

    const picker = page.getByTestId('recommendations-user');
    await hasCount(picker.locator('option', { hasText: 'admin (admin)' }), 1);
    await picker.selectOption({ label: 'admin (admin)' });
    await visible(page.getByRole('list', { name: 'Recommendations for admin (admin)' }));
    await screenshot(page, SHOTS, '05-recommendations');
  });

  it('lets the admin create a user, change the role and delete it, with readable errors', async () => {
    const name = `viewer${Date.now().toString(36)}`;
    await page.getByTestId('nav-users').click();
    await visible(page.locator('[data-testid="user-row"][data-username="admin"]'));
    const create = async () => {
      await page.getByTestId('user-new-username').fill(name);
      await page.getByTestId('user-new-password').fill('Viewer-pass-2024!');
      await page.getByTestId('user-new-role').selectOption('user');
      await page.getByTestId('user-create').click();
    };
    await create();
    await visible(page.getByText(`Created ${name}.`));
    const row = page.locator(`[data-testid="user-row"][data-username="${name}"]`);
    await visible(row);

    await create();
    const duplicate = page.getByRole('alert').filter({ hasText: `Could not create ${name}` });
    await visible(duplicate);
    expect(await duplicate.textContent()).not.toMatch(/[{}]/);

    await row.getByLabel(`Role of ${name}`).selectOption('admin');
    await visible(row.getByText(`${name} is now admin.`));
    const found = await api(system.baseUrl, adminToken).get(`/api/v2/users?q=${name}`);
    expect(found.body.items.find((u: { username: string }) => u.username === name)?.role).toBe('admin');
    await screenshot(page, SHOTS, '06-users');

    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await row.getByRole('button', { name: `Confirm deleting ${name}` }).click();
    await visible(page.getByText(`Deleted ${name}.`));
    await hasCount(row, 0);
  });

  it('shows recent slow requests as a waterfall of their spans, for admins', async () => {
    const search = await api(system.baseUrl, adminToken).get('/api/v2/movies?q=traced');
    expect(search.status).toBe(200);
    await page.getByTestId('nav-traces').click();
    // Newest first; the page refreshes every 5 s.
    const trace = page.getByTestId('trace').filter({ hasText: 'GET /api/v2/movies ' }).first();
    await visible(trace);
    await trace.locator('summary').click();
    const spans = trace.getByTestId('span');
    await hasCount(spans.and(page.locator('[data-kind="server"][data-service="gateway"]')), 1);
    await visible(spans.and(page.locator('[data-kind="client"]')).first());
    expect(await spans.first().textContent()).toContain('GET /api/v2/movies');
    await screenshot(page, SHOTS, '06b-slow-requests');
    // Not for users: the API refuses them, and the page is not in their navigation.
    const user = await api(system.baseUrl, adminToken).post('/api/v2/users', {
      username: `tr${Date.now().toString(36)}`,
      password: 'Viewer-pass-2024!',
      role: 'user',
    });
    expect(user.status).toBe(201);
    const login = await api(system.baseUrl).post('/api/v2/auth/login', { username: user.body.username, password: 'Viewer-pass-2024!' });
    expect((await api(system.baseUrl, login.body.accessToken).get('/api/v2/admin/traces')).status).toBe(403);
    expect((await api(system.baseUrl).get('/api/v2/admin/traces')).status).toBe(401);
  });

  it('fits a 375 px wide screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    const smallProblems = watchPage(small);
    try {
      await small.goto(`${system.baseUrl}/dashboard/`);
      await small.getByTestId('login-username').fill('admin');
      await small.getByTestId('login-password').fill('admin');
      await small.getByTestId('login-submit').click();
      await hasCount(small.getByTestId('service-card'), SERVICES.length);
      const overflow = () => small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(small, SHOTS, '07-phone-overview');
      await small.getByTestId('nav-movies').click();
      await visible(small.getByTestId('movie-card').first());
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(small, SHOTS, '08-phone-movies');
      await small.getByTestId('nav-users').click();
      await visible(small.getByTestId('user-row').first());
      expect(await overflow()).toBeLessThanOrEqual(0);
      expect(smallProblems).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('falls back to popular movies and shows an open breaker when the recommendation service dies', async () => {
    const recommendation = system.state().apps.find((a) => a.service === 'recommendation')!;
    process.kill(recommendation.pid, 'SIGKILL');

    await page.getByTestId('nav-recommendations').click();
    const strategy = page.getByTestId('recommendation-strategy').first();
    await waitFor(
      async () => {
        await page.getByTestId('recommendations-refresh').click();
        await visible(strategy, 5000);
        return /fallback/i.test((await strategy.getAttribute('data-strategy')) ?? '');
      },
      30_000,
      'the fallback strategy',
    );
    await hasText(strategy, 'unavailable');
    await visible(page.getByTestId('recommendation-item').first());
    await screenshot(page, SHOTS, '09-recommendations-fallback');

    await page.getByTestId('nav-overview').click();
    const card = page.locator('[data-testid="service-card"][data-service="recommendation"]');
    await hasAttribute(card, 'data-state', 'open', 30_000);
    await hasText(card.locator('.card-head'), 'Open (failing fast)');
    await hasAttribute(page.getByTestId('readiness'), 'data-ready', 'false');
    await hasAttribute(page.locator('[data-testid="service-card"][data-service="movie"]'), 'data-state', 'closed');
    await screenshot(page, SHOTS, '10-overview-open-breaker');
  });

  it('renews the access token before it expires and keeps working past its lifetime', async () => {
    await waitFor(async () => refreshes.length >= 1, 20_000, 'a token refresh');
    expect(refreshes.every((r) => r.status === 200)).toBe(true);
    // Renewed ahead of expiry, not only after a 401.
    expect(refreshes[0].at).toBeLessThan(signedInAt + ACCESS_TTL_SEC * 1000);
    const expiredAt = signedInAt + ACCESS_TTL_SEC * 1000 + 1000;
    if (Date.now() < expiredAt) await page.waitForTimeout(expiredAt - Date.now());
    await page.getByTestId('nav-users').click();
    await visible(page.locator('[data-testid="user-row"][data-username="admin"]'));
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('signs out, and a reload does not bring the session back', async () => {
    await page.getByTestId('logout').click();
    await visible(page.getByTestId('login-username'));
    await page.goto(`${system.baseUrl}/dashboard/#/movies`);
    await visible(page.getByTestId('login-username'));
    await hasCount(page.getByTestId('nav-movies'), 0);
  });
});
