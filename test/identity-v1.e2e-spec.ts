import { api, RunningSystem, startSystem } from './support/system';
import { claimsOf, createUser, forgedTokens, loggedApi, loginAdminV1, mintToken, ResponseLog } from './support/session';

const SEED_IDS = /^[0-9a-f]{24}$/;
const errorBody = { code: expect.any(Number), message: expect.any(String) };

describe('identity v1: the original contract through the gateway (one process)', () => {
  let system: RunningSystem;
  let adminToken: string;
  const log = new ResponseLog();
  const secrets: string[] = [];

  beforeAll(async () => {
    system = await startSystem({ env: { LOG_LEVEL: 'debug' } });
    adminToken = await loginAdminV1(system.baseUrl);
  });
  afterAll(async () => {
    expect(await system.stop()).toBe(0);
  });

  describe('login', () => {
    it('POST /api/v1/admin/auth with urlencoded admin/admin returns a token with the original claims', async () => {
      const res = await loggedApi(log, system.baseUrl).post(
        '/api/v1/admin/auth',
        new URLSearchParams({ user: 'admin', password: 'admin' }),
      );
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['token']);
      const claims = claimsOf(res.body.token);
      expect(claims).toMatchObject({ name: 'admin', role: 'admin', iss: 'seedotech', sub: expect.stringMatching(SEED_IDS) });
      expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
      expect(claims.jti).toEqual(expect.any(String));
    });

    it('POST /api/v1/admin/auth and /api/v1/login take multipart form fields too', async () => {
      for (const path of ['/api/v1/admin/auth', '/api/v1/login']) {
        const form = new FormData();
        form.set('user', 'admin');
        form.set('password', 'admin');
        const res = await loggedApi(log, system.baseUrl).post(path, form);
        expect(res.status).toBe(200);
        expect(claimsOf(res.body.token)).toMatchObject({ name: 'admin' });
      }
    });

    it('answers a wrong password, an unknown user and empty fields with the same 401 Error', async () => {
      const client = loggedApi(log, system.baseUrl);
      const wrong = await client.post('/api/v1/login', new URLSearchParams({ user: 'admin', password: 'nope' }));
      const unknown = await client.post('/api/v1/admin/auth', new URLSearchParams({ user: 'nobody-here', password: 'nope' }));
      const empty = await client.post('/api/v1/admin/auth', new URLSearchParams({ user: '', password: '' }));
      for (const res of [wrong, unknown, empty]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(wrong.body);
      }
      expect(wrong.body).toEqual(errorBody);
    });

    it('refuses operator injection in a JSON login body with 400, never a query', async () => {
      const res = await loggedApi(log, system.baseUrl).post('/api/v1/login', { user: { $ne: null }, password: { $gt: '' } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject(errorBody);
    });
  });

  describe('the documented flow', () => {
    it('adds, lists, reads (path and query), patches, logs in with the new name and password, and deletes a user', async () => {
      const admin = loggedApi(log, system.baseUrl, adminToken);
      const name = `neo${Date.now()}`;
      secrets.push('first-secret-pw', 'second-secret-pw');

      const added = await admin.post('/api/v1/users', { name, password: 'first-secret-pw' });
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ message: 'Successfully' });

      const list = await admin.get('/api/v1/users/list');
      expect(list.status).toBe(200);
      const entry = list.body.find((u: { name: string }) => u.name === name);
      expect(entry).toEqual({ id: expect.stringMatching(SEED_IDS), name });
      expect(list.body).toContainEqual({ id: expect.stringMatching(SEED_IDS), name: 'admin' });
      for (const user of list.body) expect(Object.keys(user).sort()).toEqual(['id', 'name']);

      const detail = await admin.get(`/api/v1/users/detail/${entry.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toEqual({ id: entry.id, name });

      const byQuery = await admin.get(`/api/v1/users?id=${entry.id}`);
      expect(byQuery.status).toBe(200);
      expect(byQuery.body).toEqual({ id: entry.id, name });

      const patched = await admin.patch('/api/v1/users', { id: entry.id, name: `${name}-renamed`, password: 'second-secret-pw' });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({ message: 'Successfully' });

      const login = await loggedApi(log, system.baseUrl).post(
        '/api/v1/login',
        new URLSearchParams({ user: `${name}-renamed`, password: 'second-secret-pw' }),
      );
      expect(login.status).toBe(200);
      expect(claimsOf(login.body.token)).toMatchObject({ name: `${name}-renamed`, role: 'user', sub: entry.id });
      const oldPassword = await loggedApi(log, system.baseUrl).post(
        '/api/v1/login',
        new URLSearchParams({ user: `${name}-renamed`, password: 'first-secret-pw' }),
      );
      expect(oldPassword.status).toBe(401);

      const deleted = await admin.delete(`/api/v1/users/${entry.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ message: 'Successfully' });
      expect((await admin.get(`/api/v1/users/detail/${entry.id}`)).status).toBe(404);
      expect(
        (
          await loggedApi(log, system.baseUrl).post(
            '/api/v1/login',
            new URLSearchParams({ user: `${name}-renamed`, password: 'second-secret-pw' }),
          )
        ).status,
      ).toBe(401);
    });
  });

  describe('users: failures', () => {
    it('answers missing fields with the original messages', async () => {
      const admin = loggedApi(log, system.baseUrl, adminToken);
      expect(await admin.post('/api/v1/users', { password: 'x' })).toMatchObject({
        status: 400,
        body: { code: expect.any(Number), message: 'Name is empty' },
      });
      expect(await admin.post('/api/v1/users', { name: '', password: 'x' })).toMatchObject({
        status: 400,
        body: { message: 'Name is empty' },
      });
      expect(await admin.post('/api/v1/users', { name: 'someone' })).toMatchObject({ status: 400, body: { message: 'Password is empty' } });
      const id = (await admin.get('/api/v1/users/list')).body[0].id;
      expect(await admin.patch('/api/v1/users', { id, password: 'x' })).toMatchObject({ status: 400, body: { message: 'Name is empty' } });
      expect(await admin.patch('/api/v1/users', { id, name: 'admin' })).toMatchObject({
        status: 400,
        body: { message: 'Password is empty' },
      });
    });

    it('answers absent ids with 404 and malformed ids with 400, each as {code, message}', async () => {
      const admin = loggedApi(log, system.baseUrl, adminToken);
      const absent = 'a'.repeat(24);
      for (const res of [
        await admin.get(`/api/v1/users/detail/${absent}`),
        await admin.get(`/api/v1/users?id=${absent}`),
        await admin.patch('/api/v1/users', { id: absent, name: 'ghost', password: 'ghost-pw' }),
        await admin.delete(`/api/v1/users/${absent}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual(errorBody);
      }
      for (const res of [
        await admin.get('/api/v1/users/detail/not-an-id'),
        await admin.get('/api/v1/users?id=123'),
        await admin.get('/api/v1/users'),
        await admin.patch('/api/v1/users', { id: 'zzz', name: 'x', password: 'y' }),
        await admin.delete('/api/v1/users/123'),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject(errorBody);
      }
    });

    it('answers a duplicate name (any case) with 409 and unknown fields with 400', async () => {
      const admin = loggedApi(log, system.baseUrl, adminToken);
      expect((await admin.post('/api/v1/users', { name: 'ADMIN', password: 'whatever' })).status).toBe(409);
      expect((await admin.post('/api/v1/users', { name: 'extra', password: 'whatever', role: 'admin' })).status).toBe(400);
    });

    it('needs a valid token (401) and the admin role (403) on every user route', async () => {
      const user = await createUser(system.baseUrl, adminToken, { prefix: 'v1plain' });
      secrets.push(user.password);
      const id = user.id;
      const routes: [string, string, unknown?][] = [
        ['POST', '/api/v1/users', { name: 'intruder', password: 'intruder-pw' }],
        ['GET', '/api/v1/users/list'],
        ['GET', `/api/v1/users/detail/${id}`],
        ['GET', `/api/v1/users?id=${id}`],
        ['PATCH', '/api/v1/users', { id, name: 'intruder', password: 'intruder-pw' }],
        ['DELETE', `/api/v1/users/${id}`],
      ];
      const callers: [string | undefined, number][] = [
        [undefined, 401],
        ...Object.values(forgedTokens()).map((t): [string, number] => [t, 401]),
        [user.token, 403],
        [mintToken({ role: 'user', sub: id }), 403],
      ];
      for (const [token, status] of callers) {
        for (const [method, path, body] of routes) {
          const res = log.record(await api(system.baseUrl, token).call(method, path, body));
          expect({ method, path, status: res.status }).toEqual({ method, path, status });
          expect(res.body).toMatchObject(errorBody);
        }
      }
      // Nothing changed on the way.
      const still = await loggedApi(log, system.baseUrl, adminToken).get(`/api/v1/users/detail/${id}`);
      expect(still.body).toEqual({ id, name: user.username });
    });
  });

  it('marks every v1 operation deprecated in the OpenAPI document', async () => {
    const doc = (await api(system.baseUrl).get('/docs-json')).body;
    const v1 = Object.entries(doc.paths as Record<string, Record<string, { deprecated?: boolean }>>).filter(([path]) =>
      path.startsWith('/api/v1/'),
    );
    expect(v1.map(([path]) => path).sort()).toEqual(
      [
        '/api/v1/admin/auth',
        '/api/v1/login',
        '/api/v1/movies',
        '/api/v1/movies/list',
        '/api/v1/users',
        '/api/v1/users/detail/{id}',
        '/api/v1/users/list',
        '/api/v1/users/{id}',
      ].sort(),
    );
    for (const [, operations] of v1) for (const op of Object.values(operations)) expect(op.deprecated).toBe(true);
  });

  it('never returned a password or hash, and never logged one', () => {
    const leaks = ['passwordHash', '$argon2', ...secrets];
    expect(log.bodies.length).toBeGreaterThan(40);
    expect(log.containing(leaks)).toEqual([]);
    expect(secrets.filter((s) => system.output().includes(s))).toEqual([]);
    expect(system.output()).not.toContain('$argon2');
  });
});
