import { spawnSync } from 'node:child_process';
import jwt from 'jsonwebtoken';
import { api, GATEWAY_MAIN, ROOT, RunningSystem, startSystem } from './support/system';
import { mintToken, TEST_JWT } from './support/tokens';

/** The OWASP API Security Top 10 (2023) items this system must hold; the table in SECURITY.md maps them here. */
describe('security (OWASP API Top 10, 2023)', () => {
  let system: RunningSystem;
  let admin: string;
  const users: { id: string; token: string; refresh: string }[] = [];

  async function register(username: string) {
    const res = await api(system.baseUrl).post('/api/v2/auth/register', { username, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    const login = await api(system.baseUrl).post('/api/v2/auth/login', { username, password: 'correct horse battery' });
    expect(login.status).toBe(200);
    return { id: res.body.id as string, token: login.body.accessToken as string, refresh: login.body.refreshToken as string };
  }

  beforeAll(async () => {
    system = await startSystem({ env: { AUTH_LOGIN_IP_LIMIT: '30' } });
    admin = (await api(system.baseUrl).post('/api/v2/auth/login', { username: 'admin', password: 'admin' })).body.accessToken;
    users.push(await register('alice.sec'), await register('bob.sec'));
  });
  afterAll(async () => {
    await system.stop();
  });

  describe('API1 broken object-level authorization', () => {
    it("refuses to read, change or delete another user's account", async () => {
      const [alice, bob] = users;
      const as = api(system.baseUrl, alice.token);
      expect((await as.get(`/api/v2/users/${bob.id}`)).status).toBe(403);
      expect((await as.patch(`/api/v2/users/${bob.id}`, { username: 'taken.over' })).status).toBe(403);
      expect((await as.delete(`/api/v2/users/${bob.id}`)).status).toBe(403);
      expect((await as.get(`/api/v2/recommendations/users/${bob.id}`)).status).toBe(403);
      expect((await as.get(`/api/v2/users/${alice.id}`)).status).toBe(200);
    });
  });

  describe('API2 broken authentication', () => {
    const claims = { sub: '0123456789abcdef01234567', name: 'admin', role: 'admin', jti: 'forged' };
    const forged: Record<string, string> = {
      'a wrong signature': jwt.sign(claims, 'not-the-secret-not-the-secret-not-the', { algorithm: 'HS256', issuer: TEST_JWT.issuer }),
      'alg none': jwt.sign(claims, '', { algorithm: 'none' }),
      'a wrong issuer': jwt.sign(claims, TEST_JWT.secret, { algorithm: 'HS256', issuer: 'someone-else' }),
      'an expired token': jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT.secret, {
        algorithm: 'HS256',
        issuer: TEST_JWT.issuer,
      }),
      'another algorithm': jwt.sign(claims, TEST_JWT.secret, { algorithm: 'HS384', issuer: TEST_JWT.issuer }),
    };
    it.each(Object.keys(forged))('rejects %s with 401 {code, message}', async (kind) => {
      const res = await api(system.baseUrl, forged[kind]).get('/api/v2/auth/me');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
    });

    it('revokes the whole family when a rotated refresh token is presented again', async () => {
      const user = await register('carol.sec');
      const first = await api(system.baseUrl).post('/api/v2/auth/refresh', { refreshToken: user.refresh });
      expect(first.status).toBe(200);
      const reuse = await api(system.baseUrl).post('/api/v2/auth/refresh', { refreshToken: user.refresh });
      expect(reuse.status).toBe(401);
      const afterReuse = await api(system.baseUrl).post('/api/v2/auth/refresh', { refreshToken: first.body.refreshToken });
      expect(afterReuse.status).toBe(401);
    });
  });

  describe('API3 broken object property level authorization', () => {
    it('never lets a user give itself the admin role', async () => {
      const reg = await api(system.baseUrl).post('/api/v2/auth/register', {
        username: 'mallory.sec',
        password: 'correct horse battery',
        role: 'admin',
      });
      expect([400, 403]).toContain(reg.status);
      const [alice] = users;
      const patch = await api(system.baseUrl, alice.token).patch(`/api/v2/users/${alice.id}`, { role: 'admin' });
      expect([400, 403]).toContain(patch.status);
      expect((await api(system.baseUrl, alice.token).get('/api/v2/auth/me')).body.role).toBe('user');
    });

    it('never returns a password or its hash', async () => {
      const list = await api(system.baseUrl, admin).get('/api/v2/users?limit=100');
      expect(JSON.stringify(list.body)).not.toMatch(/password|\$argon2/i);
    });
  });

  describe('API4 unrestricted resource consumption', () => {
    it('refuses bodies over 100 kB with 413', async () => {
      const res = await api(system.baseUrl).post('/api/v2/auth/login', { username: 'x', password: 'y'.repeat(120_000) });
      expect(res.status).toBe(413);
      expect(res.body.code).toEqual(expect.any(Number));
    });

    it('caps page sizes', async () => {
      expect((await api(system.baseUrl).get('/api/v2/movies?limit=1000')).status).toBe(400);
      expect((await api(system.baseUrl, admin).get('/api/v2/users?limit=101')).status).toBe(400);
    });

    it('rate limits login attempts per IP with 429 and Retry-After', async () => {
      let limited: Awaited<ReturnType<ReturnType<typeof api>['post']>> | undefined;
      for (let i = 0; i < 40 && !limited; i++) {
        const res = await api(system.baseUrl).post('/api/v2/auth/login', { username: `nobody${i}`, password: 'wrong-password' });
        if (res.status === 429) limited = res;
      }
      expect(limited?.status).toBe(429);
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited!.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
    });
  });

  describe('API5 broken function level authorization', () => {
    const someId = '0123456789abcdef01234567';
    // Objects, not tuples: jest would take a missing third tuple element for a `done` callback and wait forever.
    const adminRoutes: { method: string; path: string; body?: unknown }[] = [
      { method: 'GET', path: '/api/v2/users' },
      { method: 'POST', path: '/api/v2/users', body: { username: 'made.by.user', password: 'correct horse battery' } },
      { method: 'DELETE', path: `/api/v2/users/${someId}` },
      {
        method: 'POST',
        path: '/api/v2/movies',
        body: { name: 'x', url: 'https://e.com', coverImage: 'https://e.com/c', description: 'd' },
      },
      { method: 'PATCH', path: `/api/v2/movies/${someId}`, body: { name: 'y' } },
      { method: 'DELETE', path: `/api/v2/movies/${someId}` },
      { method: 'POST', path: '/api/v2/genres', body: { name: 'UserGenre', description: 'd' } },
      { method: 'GET', path: `/api/v2/recommendations/users/${someId}` },
      { method: 'POST', path: '/api/v2/recommendations/rebuild' },
      { method: 'GET', path: '/api/v2/admin/services' },
      { method: 'GET', path: '/api/v1/users/list' },
      { method: 'POST', path: '/api/v1/users', body: { name: 'v1user', password: 'pw' } },
      { method: 'DELETE', path: `/api/v1/users/${someId}` },
    ];
    it.each(adminRoutes)('$method $path refuses a user token with 403', async ({ method, path, body }) => {
      const res = await api(system.baseUrl, mintToken('user')).call(method, path, body);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
    });
  });

  describe('API8 security misconfiguration', () => {
    it('sends security headers and no framework banner', async () => {
      const res = await api(system.baseUrl).get('/api/v2/movies');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toBeTruthy();
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    });

    it('does not allow cross-origin calls from unknown origins', async () => {
      const res = await fetch(`${system.baseUrl}/api/v2/movies`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('answers errors without stack traces or internals', async () => {
      const res = await api(system.baseUrl).post('/api/v2/auth/login', '{"username": ', { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+|node_modules/);
    });

    it('refuses to start in production with the default JWT secret or without an admin password', () => {
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, [GATEWAY_MAIN], {
          cwd: ROOT,
          env: { ...process.env, NODE_ENV: 'production', ...env },
          encoding: 'utf8',
        });
      const defaultSecret = run({ JWT_SECRET: TEST_JWT.secret, ADMIN_PASSWORD: 'a-strong-admin-password' });
      expect(defaultSecret.status).not.toBe(0);
      expect(defaultSecret.stderr).toContain('JWT_SECRET');
      const noAdmin = run({ JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: '' });
      expect(noAdmin.status).not.toBe(0);
      expect(noAdmin.stderr).toContain('ADMIN_PASSWORD');
    });

    it('refuses to start in production with ADMIN_PASSWORD=admin, the username, or fewer than 12 characters, naming the variable', () => {
      for (const password of ['admin', 'Admin', 'short-pw-11']) {
        const res = spawnSync(process.execPath, [GATEWAY_MAIN], {
          cwd: ROOT,
          env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: password },
          encoding: 'utf8',
        });
        expect(res.status).not.toBe(0);
        expect(res.stderr).toMatch(/ADMIN_PASSWORD \(user\.adminPassword\): ADMIN_PASSWORD must have at least 12 characters/);
        expect(res.stderr).not.toContain(password === 'admin' ? 'xxxxxxxx' : password);
      }
    });
  });
});
