import { ChildProcess, spawn } from 'node:child_process';
import { loadConfig } from '@app/config';
import { MOVIE_PATTERNS, USER_PATTERNS } from '@app/contracts';
import { freePort } from '@app/dev-harness';
import { ServiceRegistry } from '@app/resilience';
import { createMovie } from './support/catalog';
import { createUser, loginAdminV1, loginV2 } from './support/session';
import { api, GATEWAY_MAIN, ROOT, RunningSystem, startSystem, waitFor } from './support/system';

/** The promise in docs/services.md: a session that ended is refused everywhere this soon after the answer. */
const REVOKED_WITHIN_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A check that is true once the ended session is refused; polled on every instance until all say so. */
type Check = () => Promise<boolean>;

/** How long each revocation took to reach every instance, printed at the end (figures for docs and reviews). */
const figures: string[] = [];
afterAll(() => process.stdout.write(`revoked everywhere after (ms): ${figures.join(', ')}\n`));

async function msUntilAll(label: string, checks: Check[], since: number): Promise<number> {
  for (;;) {
    const results = await Promise.all(checks.map((c) => c()));
    const elapsed = Date.now() - since;
    if (results.every(Boolean)) {
      figures.push(`${label} ${elapsed}`);
      return elapsed;
    }
    if (elapsed > 5000)
      throw new Error(`still accepted after 5 s: ${results.map((r, i) => `#${i} ${r ? 'refused' : 'accepted'}`).join(', ')}`);
    await sleep(20);
  }
}

const status =
  (expected: number, call: () => Promise<{ status: number }>): Check =>
  async () =>
    (await call()).status === expected;

/** Every service that verifies tokens again, called directly (split mode), refuses the token with 401. */
const serviceRefuses =
  (registry: ServiceRegistry, service: 'user' | 'movie', pattern: string, data: unknown, token: string): Check =>
  async () => {
    try {
      await registry.client(service).send(pattern, data, { token });
      return false;
    } catch (err) {
      // 401 for the token (not 1104: the message itself carries the deployment's service credential).
      return (err as { status?: number; code?: number }).status === 401 && (err as { code?: number }).code !== 1104;
    }
  };

interface Setup {
  gateways: string[];
  /** Split mode: clients straight to the user and movie services, past every gateway. */
  direct?: ServiceRegistry;
}

function sessionScenarios(setup: () => Setup) {
  let adminToken: string;
  let movieId: string;
  const me = (base: string, token: string) => () => api(base, token).get('/api/v2/auth/me');

  beforeAll(async () => {
    const [first] = setup().gateways;
    adminToken = await loginAdminV1(first);
    movieId = await createMovie(first, adminToken, { name: `Sessions ${Date.now()}`, year: 2001 });
  });

  it('logout ends the session of its refresh and bearer tokens at once where it was answered, on every instance within 1 s, and only that one', async () => {
    const { gateways, direct } = setup();
    const user = await createUser(gateways[0], adminToken, { prefix: 'logout' });
    const other = await loginV2(gateways[gateways.length - 1], user.username, user.password);
    for (const g of gateways) expect((await me(g, user.token)()).status).toBe(200);
    const res = await api(gateways[0], user.token).post('/api/v2/auth/logout', { refreshToken: user.refreshToken });
    expect(res.status).toBe(204);
    const since = Date.now();
    // The gateway that relayed the logout knows at once; the auth service refuses the refresh token at once.
    expect((await me(gateways[0], user.token)()).status).toBe(401);
    expect((await api(gateways[0]).post('/api/v2/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    const checks = gateways.map((g) => status(401, me(g, user.token)));
    if (direct) checks.push(serviceRefuses(direct, 'user', USER_PATTERNS.findById, { id: user.id }, user.token));
    expect(await msUntilAll(`logout (${setup().gateways.length} gateways)`, checks, since)).toBeLessThan(REVOKED_WITHIN_MS);
    // The user's other session goes on.
    for (const g of gateways) expect((await me(g, other.accessToken)()).status).toBe(200);
  });

  it('a password change ends every session of the user: at once where answered and for refresh tokens, everywhere within 1 s; the new password works', async () => {
    const { gateways, direct } = setup();
    const user = await createUser(gateways[0], adminToken, { prefix: 'pwchange' });
    const second = await loginV2(gateways[gateways.length - 1], user.username, user.password);
    const newPassword = `new-${user.password}`;
    const change = await api(gateways[0], user.token).patch(`/api/v2/users/${user.id}`, {
      password: newPassword,
      currentPassword: user.password,
    });
    expect(change.status).toBe(200);
    const since = Date.now();
    // At once on the gateway that relayed the change, and for the older refresh token at the auth service.
    expect((await me(gateways[0], second.accessToken)()).status).toBe(401);
    expect((await api(gateways[0]).post('/api/v2/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
    const checks = gateways.flatMap((g) => [status(401, me(g, user.token)), status(401, me(g, second.accessToken))]);
    if (direct) checks.push(serviceRefuses(direct, 'user', USER_PATTERNS.findById, { id: user.id }, second.accessToken));
    expect(await msUntilAll(`password (${setup().gateways.length} gateways)`, checks, since)).toBeLessThan(REVOKED_WITHIN_MS);
    for (const refreshToken of [user.refreshToken, second.refreshToken]) {
      expect((await api(gateways[0]).post('/api/v2/auth/refresh', { refreshToken })).status).toBe(401);
    }
    const fresh = await loginV2(gateways[0], user.username, newPassword);
    for (const g of gateways) expect((await me(g, fresh.accessToken)()).status).toBe(200);
    expect((await api(gateways[0]).post('/api/v2/auth/refresh', { refreshToken: fresh.refreshToken })).status).toBe(200);
  });

  it('an admin demoted to user gets 403 on GET /api/v2/users at once where answered, within 1 s on every instance', async () => {
    const { gateways } = setup();
    const demoted = await createUser(gateways[0], adminToken, { prefix: 'demoted', role: 'admin' });
    for (const g of gateways) expect((await api(g, demoted.token).get('/api/v2/users')).status).toBe(200);
    expect((await api(gateways[0], adminToken).patch(`/api/v2/users/${demoted.id}`, { role: 'user' })).status).toBe(200);
    const since = Date.now();
    expect((await api(gateways[0], demoted.token).get('/api/v2/users')).status).toBe(403);
    const checks = gateways.map((g) => status(403, () => api(g, demoted.token).get('/api/v2/users')));
    expect(await msUntilAll(`role (${setup().gateways.length} gateways)`, checks, since)).toBeLessThan(REVOKED_WITHIN_MS);
    // Still signed in, as a user: the session was downgraded, not ended.
    expect((await me(gateways[0], demoted.token)()).body).toMatchObject({ role: 'user' });
  });

  it("a deleted user's token gets 401 on PUT rating at once where answered, within 1 s on every instance, and nothing is saved", async () => {
    const { gateways, direct } = setup();
    const user = await createUser(gateways[0], adminToken, { prefix: 'deleted' });
    expect((await api(gateways[0], adminToken).delete(`/api/v2/users/${user.id}`)).status).toBe(204);
    const since = Date.now();
    expect((await api(gateways[0], user.token).put(`/api/v2/movies/${movieId}/rating`, { score: 1 })).status).toBe(401);
    const checks = gateways.map((g) => status(401, () => api(g, user.token).put(`/api/v2/movies/${movieId}/rating`, { score: 5 })));
    if (direct) checks.push(serviceRefuses(direct, 'movie', MOVIE_PATTERNS.rate, { movieId, rating: { score: 5 } }, user.token));
    expect(await msUntilAll(`delete (${setup().gateways.length} gateways)`, checks, since)).toBeLessThan(REVOKED_WITHIN_MS);
    // Once refused, a rating from that token is never stored (one sent before the revocation arrived may be).
    const after = await api(gateways[gateways.length - 1], user.token).put(`/api/v2/movies/${movieId}/rating`, { score: 1 });
    expect(after.status).toBe(401);
    const again = await api(gateways[0], adminToken).get(`/api/v2/movies/${movieId}/ratings?limit=100`);
    expect(again.status).toBe(200);
    expect((again.body.items as { userId: string; score: number }[]).filter((r) => r.userId === user.id && r.score === 1)).toEqual([]);
  });
}

describe('sessions end when they should: one process', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  sessionScenarios(() => ({ gateways: [system.baseUrl] }));
});

describe('sessions end when they should: split, two gateways and two auth instances', () => {
  let system: RunningSystem | undefined;
  let second: ChildProcess | undefined;
  let direct: ServiceRegistry | undefined;
  let secondUrl = '';

  beforeAll(async () => {
    system = await startSystem({ mode: 'split', args: ['--scale', 'auth=1,1'] });
    const apps = system.state().apps;
    const instances = (service: string) =>
      apps
        .filter((a) => a.service === service)
        .map((a) => `127.0.0.1:${a.port}:1`)
        .join(',');
    const env: Record<string, string> = {};
    for (const s of ['auth', 'user', 'movie', 'recommendation']) env[`SERVICES_${s.toUpperCase()}_INSTANCES`] = instances(s);
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    second = spawn(process.execPath, [GATEWAY_MAIN], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', MODE: 'split', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: 'ignore',
    });
    await waitFor(async () => (await api(secondUrl).get('/health/ready')).status === 200, 60_000, 'the second gateway');
    // Called as another service of the deployment would: signed with its SERVICE_SECRET (test/support/setup.ts).
    direct = new ServiceRegistry(loadConfig({ NODE_ENV: 'test', SERVICE_SECRET: process.env.SERVICE_SECRET!, ...env }), ['user', 'movie']);
  });
  afterAll(async () => {
    await direct?.onApplicationShutdown();
    if (second && second.exitCode === null) {
      second.kill('SIGTERM');
      await new Promise((r) => second!.once('exit', r));
    }
    await system?.stop();
  });

  sessionScenarios(() => ({ gateways: [system!.baseUrl, secondUrl], direct }));
});
