import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { api, RunningSystem, startSystem } from './support/system';
import { claimsOf, createUser, forgedTokens, loggedApi, loginAdminV1, loginV2, mintToken, ResponseLog, TestUser } from './support/session';

const errorBody = { code: expect.any(Number), message: expect.any(String) };
const isoDate = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('identity v2 (split mode: gateway, auth and user as separate processes)', () => {
  let system: RunningSystem;
  let adminToken: string;
  let alice: TestUser;
  let bob: TestUser;
  const log = new ResponseLog();
  const passwords: string[] = [];
  const refreshTokens: string[] = [];
  const remember = (u: TestUser) => {
    passwords.push(u.password);
    refreshTokens.push(u.refreshToken);
    return u;
  };

  beforeAll(async () => {
    system = await startSystem({ mode: 'split', env: { LOG_LEVEL: 'debug' } });
    adminToken = await loginAdminV1(system.baseUrl);
    alice = remember(await createUser(system.baseUrl, adminToken, { prefix: 'alice' }));
    bob = remember(await createUser(system.baseUrl, adminToken, { prefix: 'bob' }));
  });
  afterAll(async () => {
    expect(await system.stop()).toBe(0);
  });

  describe('register', () => {
    it('creates a plain user: 201 with the public fields only', async () => {
      const username = uniqueName('Reg');
      passwords.push('register-pw-123');
      const res = await loggedApi(log, system.baseUrl).post('/api/v2/auth/register', { username, password: 'register-pw-123' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        username,
        role: 'user',
        createdAt: isoDate,
        updatedAt: isoDate,
      });
      expect((await loginV2(system.baseUrl, username.toLowerCase(), 'register-pw-123')).accessToken).toBeTruthy();
    });

    it('answers a duplicate name in any case with 409', async () => {
      const username = uniqueName('dup');
      const client = loggedApi(log, system.baseUrl);
      expect((await client.post('/api/v2/auth/register', { username, password: 'password-one' })).status).toBe(201);
      const again = await client.post('/api/v2/auth/register', { username: username.toUpperCase(), password: 'password-two' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual(errorBody);
    });

    it('refuses a role field, short or long passwords, bad names, unknown fields and operator injection with 400', async () => {
      const client = loggedApi(log, system.baseUrl);
      const bodies = [
        { username: uniqueName('r'), password: 'password-ok', role: 'admin' },
        { username: uniqueName('r'), password: 'short' },
        { username: uniqueName('r'), password: 'x'.repeat(129) },
        { username: 'ab', password: 'password-ok' },
        { username: 'has space', password: 'password-ok' },
        { username: 'x'.repeat(65), password: 'password-ok' },
        { username: uniqueName('r'), password: 'password-ok', extra: 1 },
        { username: { $ne: null }, password: 'password-ok' },
        { username: uniqueName('r') },
      ];
      for (const body of bodies) {
        const res = await client.post('/api/v2/auth/register', body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body).toMatchObject(errorBody);
      }
    });
  });

  describe('login, refresh, logout, me', () => {
    it('logs in with {accessToken, refreshToken, tokenType, expiresIn} and the documented claims', async () => {
      const res = await loggedApi(log, system.baseUrl).post('/api/v2/auth/login', {
        username: alice.username.toUpperCase(),
        password: alice.password,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
      refreshTokens.push(res.body.refreshToken);
      expect(claimsOf(res.body.accessToken)).toMatchObject({
        sub: alice.id,
        name: alice.username,
        role: 'user',
        iss: 'seedotech',
        jti: expect.any(String),
      });
    });

    it('gives one generic 401 for a wrong password and an unknown name', async () => {
      const client = loggedApi(log, system.baseUrl);
      const wrong = await client.post('/api/v2/auth/login', { username: bob.username, password: 'not-it' });
      const unknown = await client.post('/api/v2/auth/login', { username: uniqueName('ghost'), password: 'not-it' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body).toEqual({ code: expect.any(Number), message: 'Invalid username or password' });
    });

    it('refuses operator injection and malformed bodies with 400', async () => {
      const client = loggedApi(log, system.baseUrl);
      for (const body of [
        { username: { $ne: null }, password: { $ne: null } },
        { username: 'admin', password: { $gt: '' } },
        { username: ['admin'], password: 'admin' },
        { username: 'admin' },
        { username: 'admin', password: 'admin', extra: true },
      ]) {
        expect((await client.post('/api/v2/auth/login', body)).status).toBe(400);
      }
    });

    it('rotates on refresh, and reuse of a spent token revokes the whole family', async () => {
      const client = loggedApi(log, system.baseUrl);
      const first = await loginV2(system.baseUrl, bob.username, bob.password);
      const second = await client.post('/api/v2/auth/refresh', { refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 3600,
      });
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(claimsOf(second.body.accessToken)).toMatchObject({ sub: bob.id, name: bob.username });
      refreshTokens.push(first.refreshToken, second.body.refreshToken);

      const reuse = await client.post('/api/v2/auth/refresh', { refreshToken: first.refreshToken });
      expect(reuse.status).toBe(401);
      expect(reuse.body).toEqual(errorBody);
      // The thief's copy and the owner's newest token die together.
      expect((await client.post('/api/v2/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
      // Another session of the same user is untouched.
      expect((await client.post('/api/v2/auth/refresh', { refreshToken: bob.refreshToken })).status).toBe(200);
    });

    it('logs out with 204, after which the refresh token is dead; unknown tokens get 401 on refresh', async () => {
      const client = loggedApi(log, system.baseUrl);
      const pair = await loginV2(system.baseUrl, alice.username, alice.password);
      refreshTokens.push(pair.refreshToken);
      const out = await client.post('/api/v2/auth/logout', { refreshToken: pair.refreshToken });
      expect(out.status).toBe(204);
      expect((await client.post('/api/v2/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
      expect((await client.post('/api/v2/auth/refresh', { refreshToken: 'made-up-token-0123456789' })).status).toBe(401);
      expect((await client.post('/api/v2/auth/refresh', { refreshToken: { $ne: null } })).status).toBe(400);
      expect((await client.post('/api/v2/auth/logout', {})).status).toBe(400);
    });

    it('GET /me answers the caller, and 401 without a valid token', async () => {
      const me = await loggedApi(log, system.baseUrl, alice.token).get('/api/v2/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ id: alice.id, username: alice.username, role: 'user' });
      expect((await loggedApi(log, system.baseUrl).get('/api/v2/auth/me')).status).toBe(401);
      for (const [kind, token] of Object.entries(forgedTokens())) {
        const res = await loggedApi(log, system.baseUrl, token).get('/api/v2/auth/me');
        expect({ kind, status: res.status }).toEqual({ kind, status: 401 });
        expect(res.body).toEqual(errorBody);
      }
    });
  });

  describe('users', () => {
    it('admin creates (201), lists with paging and prefix search, and reads users', async () => {
      const admin = loggedApi(log, system.baseUrl, adminToken);
      const prefix = `pg${randomUUID().slice(0, 6)}`;
      for (let i = 0; i < 3; i++) {
        const res = await admin.post('/api/v2/users', { username: `${prefix}-${i}`, password: 'paging-pw-1' });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ username: `${prefix}-${i}`, role: 'user', createdAt: isoDate });
      }
      const page1 = await admin.get(`/api/v2/users?q=${prefix.toUpperCase()}&limit=2&page=1`);
      expect(page1.status).toBe(200);
      expect(page1.body).toMatchObject({ total: 3, page: 1, limit: 2 });
      expect(page1.body.items.map((u: { username: string }) => u.username)).toEqual([`${prefix}-0`, `${prefix}-1`]);
      const page2 = await admin.get(`/api/v2/users?q=${prefix}&limit=2&page=2`);
      expect(page2.body.items.map((u: { username: string }) => u.username)).toEqual([`${prefix}-2`]);
      const all = await admin.get('/api/v2/users');
      expect(all.body).toMatchObject({ page: 1, limit: 20 });
      expect(all.body.total).toBeGreaterThanOrEqual(6);
      // Regex characters in q are literal.
      const regex = await admin.get(`/api/v2/users?q=${encodeURIComponent('.*')}`);
      expect(regex.status).toBe(200);
      expect(regex.body.total).toBe(0);
      for (const query of ['limit=101', 'limit=0', 'page=0', 'page=abc', 'q[$ne]=x', 'sort=username']) {
        expect({ query, status: (await admin.get(`/api/v2/users?${query}`)).status }).toEqual({ query, status: 400 });
      }
      const one = await admin.get(`/api/v2/users/${alice.id}`);
      expect(one.body).toEqual({ id: alice.id, username: alice.username, role: 'user', createdAt: isoDate, updatedAt: isoDate });
    });

    it('lets a user read themself, not others (403), not the list (403), and not create users (403)', async () => {
      const asAlice = loggedApi(log, system.baseUrl, alice.token);
      expect((await asAlice.get(`/api/v2/users/${alice.id}`)).status).toBe(200);
      expect((await asAlice.get(`/api/v2/users/${bob.id}`)).status).toBe(403);
      expect((await asAlice.get('/api/v2/users')).status).toBe(403);
      expect((await asAlice.post('/api/v2/users', { username: uniqueName('x'), password: 'password-x' })).status).toBe(403);
      expect((await asAlice.delete(`/api/v2/users/${bob.id}`)).status).toBe(403);
      expect((await asAlice.patch(`/api/v2/users/${bob.id}`, { username: uniqueName('taken') })).status).toBe(403);
    });

    it('answers malformed ids with 400 and absent ones with 404', async () => {
      const admin = loggedApi(log, system.baseUrl, adminToken);
      const absent = 'e'.repeat(24);
      expect((await admin.get('/api/v2/users/xyz')).status).toBe(400);
      expect((await admin.patch('/api/v2/users/123', { username: 'whatever' })).status).toBe(400);
      expect((await admin.delete('/api/v2/users/zz')).status).toBe(400);
      expect((await admin.get(`/api/v2/users/${absent}`)).status).toBe(404);
      expect((await admin.patch(`/api/v2/users/${absent}`, { username: uniqueName('ghost') })).status).toBe(404);
      expect((await admin.delete(`/api/v2/users/${absent}`)).status).toBe(404);
    });

    it('self-service: rename yes; role no (403); password only with the right current password', async () => {
      const carol = remember(await createUser(system.baseUrl, adminToken, { prefix: 'carol' }));
      const asCarol = loggedApi(log, system.baseUrl, carol.token);
      const renamed = uniqueName('carola');
      const rename = await asCarol.patch(`/api/v2/users/${carol.id}`, { username: renamed });
      expect(rename.status).toBe(200);
      expect(rename.body).toMatchObject({ id: carol.id, username: renamed, role: 'user' });

      const promote = await asCarol.patch(`/api/v2/users/${carol.id}`, { role: 'admin' });
      expect(promote.status).toBe(403);
      expect((await loggedApi(log, system.baseUrl, adminToken).get(`/api/v2/users/${carol.id}`)).body.role).toBe('user');

      expect((await asCarol.patch(`/api/v2/users/${carol.id}`, { password: 'new-carol-pw' })).status).toBe(400);
      expect((await asCarol.patch(`/api/v2/users/${carol.id}`, { password: 'new-carol-pw', currentPassword: 'wrong-one' })).status).toBe(
        403,
      );
      expect((await asCarol.patch(`/api/v2/users/${carol.id}`, { password: 'short', currentPassword: carol.password })).status).toBe(400);
      passwords.push('new-carol-pw');
      expect((await asCarol.patch(`/api/v2/users/${carol.id}`, { password: 'new-carol-pw', currentPassword: carol.password })).status).toBe(
        200,
      );
      const fresh = (await loginV2(system.baseUrl, renamed, 'new-carol-pw')).accessToken;
      expect(fresh).toBeTruthy();
      expect((await api(system.baseUrl).post('/api/v2/auth/login', { username: renamed, password: carol.password })).status).toBe(401);
      // With the new session's token: the password change ended the old one (within 1 s, so a slow run would see 401).
      const asNewCarol = loggedApi(log, system.baseUrl, fresh);
      expect((await asNewCarol.patch(`/api/v2/users/${carol.id}`, { username: alice.username.toUpperCase() })).status).toBe(409);
    });

    it('admin sets role and password; a refreshed token carries the new role, and the password change ends the old session', async () => {
      const dave = remember(await createUser(system.baseUrl, adminToken, { prefix: 'dave' }));
      const admin = loggedApi(log, system.baseUrl, adminToken);
      // A role change keeps the session: its next refresh carries the new role.
      const promoted = await admin.patch(`/api/v2/users/${dave.id}`, { role: 'admin' });
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('admin');
      const refreshed = await loggedApi(log, system.baseUrl).post('/api/v2/auth/refresh', { refreshToken: dave.refreshToken });
      expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ role: 'admin', sub: dave.id });
      refreshTokens.push(refreshed.body.refreshToken);
      // A password change ends every older session (within 1 s on every instance), and the new password logs in.
      passwords.push('dave-new-password');
      expect((await admin.patch(`/api/v2/users/${dave.id}`, { password: 'dave-new-password' })).status).toBe(200);
      const changedAt = Date.now();
      expect((await loginV2(system.baseUrl, dave.username, 'dave-new-password')).accessToken).toBeTruthy();
      // One refresh after the stated bound: an earlier attempt that still succeeded would rotate the token, and the
      // old token's refusal would then be reuse detection, not the ended session.
      await sleep(Math.max(0, changedAt + 1000 - Date.now()));
      expect((await api(system.baseUrl).post('/api/v2/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(401);
    });

    it('admin deletes with 204; the deleted account can neither log in, refresh, nor use /me', async () => {
      const erin = remember(await createUser(system.baseUrl, adminToken, { prefix: 'erin' }));
      const res = await loggedApi(log, system.baseUrl, adminToken).delete(`/api/v2/users/${erin.id}`);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
      expect((await loggedApi(log, system.baseUrl, adminToken).get(`/api/v2/users/${erin.id}`)).status).toBe(404);
      expect((await api(system.baseUrl).post('/api/v2/auth/login', { username: erin.username, password: erin.password })).status).toBe(401);
      expect((await loggedApi(log, system.baseUrl).post('/api/v2/auth/refresh', { refreshToken: erin.refreshToken })).status).toBe(401);
      expect((await loggedApi(log, system.baseUrl, erin.token).get('/api/v2/auth/me')).status).toBe(401);
    });

    it('never deletes or demotes the last admin (409)', async () => {
      const adminId = claimsOf(adminToken).sub as string;
      const admin = loggedApi(log, system.baseUrl, adminToken);
      // Demote every other admin first, so `admin` is the last one.
      const admins = (await admin.get('/api/v2/users?limit=100')).body.items.filter(
        (u: { role: string; id: string }) => u.role === 'admin' && u.id !== adminId,
      );
      for (const other of admins) expect((await admin.patch(`/api/v2/users/${other.id}`, { role: 'user' })).status).toBe(200);
      const del = await admin.delete(`/api/v2/users/${adminId}`);
      expect(del.status).toBe(409);
      expect(del.body).toEqual(errorBody);
      expect((await admin.patch(`/api/v2/users/${adminId}`, { role: 'user' })).status).toBe(409);
      expect((await admin.get(`/api/v2/users/${adminId}`)).body.role).toBe('admin');
    });

    it('a service re-verifies the forwarded token: a user token with a forged admin role is refused', async () => {
      const forged = mintToken({ role: 'admin', sub: alice.id, name: alice.username }, { secret: 'guess-the-secret-0123456789-abcdef' });
      expect((await loggedApi(log, system.baseUrl, forged).get('/api/v2/users')).status).toBe(401);
      // A token minted with the real secret is honoured for exactly its claims.
      const minted = mintToken({ role: 'user', sub: bob.id, name: bob.username });
      expect((await loggedApi(log, system.baseUrl, minted).get(`/api/v2/users/${bob.id}`)).status).toBe(200);
      expect((await loggedApi(log, system.baseUrl, minted).get(`/api/v2/users/${alice.id}`)).status).toBe(403);
    });
  });

  describe('abuse', () => {
    it('holds a username back from the client that failed 10 times (429 with Retry-After), even for the right password, and only that name', async () => {
      const victim = remember(await createUser(system.baseUrl, adminToken, { prefix: 'victim' }));
      const client = loggedApi(log, system.baseUrl);
      for (let i = 0; i < 10; i++) {
        const body =
          i % 2
            ? new URLSearchParams({ user: victim.username, password: 'bad' })
            : { username: victim.username.toUpperCase(), password: 'bad' };
        const res = await client.post(i % 2 ? '/api/v1/login' : '/api/v2/auth/login', body);
        expect(res.status).toBe(401);
      }
      const locked = await api(system.baseUrl).post('/api/v2/auth/login', { username: victim.username, password: victim.password });
      expect(locked.status).toBe(429);
      expect(locked.body).toEqual(errorBody);
      // The first delay past the limit (AUTH_FAILED_LOGIN_BASE_DELAY_SEC); it doubles with each further failure.
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(
        (await api(system.baseUrl).post('/api/v1/admin/auth', new URLSearchParams({ user: victim.username, password: victim.password })))
          .status,
      ).toBe(429);
      expect((await api(system.baseUrl).post('/api/v2/auth/login', { username: alice.username, password: alice.password })).status).toBe(
        200,
      );
    });

    it('lets the owner in from a device that signed in before, however many wrong passwords others send from the same address (v1 and v2 alike)', async () => {
      const victim = remember(await createUser(system.baseUrl, adminToken, { prefix: 'owner' }));
      // Every client here is 127.0.0.1, as with `npm start`, a NAT or a proxy: the address cannot tell them apart.
      const device = async (username: string, password: string) => {
        const res = await api(system.baseUrl).post('/api/v2/auth/login', { username, password });
        expect(res.status).toBe(200);
        expect(res.body.deviceToken).toBeUndefined();
        const cookie = /^(mp_device=[^;]+);.*HttpOnly.*SameSite=Strict/i.exec(res.headers.get('set-cookie') ?? '');
        expect(cookie).not.toBeNull();
        return cookie![1];
      };
      for (const account of [victim, { username: 'admin', password: 'admin' }]) {
        const cookie = await device(account.username, account.password);
        const attacker = loggedApi(log, system.baseUrl);
        const answers: number[] = [];
        for (let i = 0; i < 14; i++) {
          const res =
            i % 2
              ? await attacker.post('/api/v1/admin/auth', new URLSearchParams({ user: account.username, password: `guess-${i}` }))
              : await attacker.post('/api/v2/auth/login', { username: account.username, password: `guess-${i}` });
          answers.push(res.status);
        }
        expect(answers.slice(0, 10)).toEqual(Array(10).fill(401));
        expect(answers.slice(10)).toEqual(Array(4).fill(429));
        // The owner's device: its own key, no failures, so the right password signs in at once, on v2 and on v1.
        const v2 = await api(system.baseUrl).post(
          '/api/v2/auth/login',
          { username: account.username, password: account.password },
          { cookie },
        );
        expect(v2.status).toBe(200);
        expect(v2.body.accessToken).toEqual(expect.any(String));
        const v1 = await api(system.baseUrl).post(
          '/api/v1/login',
          new URLSearchParams({ user: account.username, password: account.password }),
          { cookie },
        );
        expect(v1.status).toBe(200);
        // The attacker's client still waits, even with the right password: backoff for that client, not the account.
        expect(
          (await api(system.baseUrl).post('/api/v2/auth/login', { username: account.username, password: account.password })).status,
        ).toBe(429);
        // A device token is good for its own account only; a forged one counts as none.
        const other = await api(system.baseUrl).post(
          '/api/v2/auth/login',
          { username: account.username, password: account.password },
          { cookie: `mp_device=${'x'.repeat(40)}.${'y'.repeat(43)}` },
        );
        expect(other.status).toBe(429);
      }
    });

    it('answers a body over 100 kB with 413', async () => {
      const res = await loggedApi(log, system.baseUrl).post('/api/v2/auth/register', {
        username: 'big-body',
        password: 'x'.repeat(110_000),
      });
      expect(res.status).toBe(413);
      expect(res.body).toEqual(errorBody);
    });
  });

  it('never returned a password or hash, returned each refresh token only once, and logged none of them', () => {
    expect(log.containing(['passwordHash', '$argon2', ...passwords])).toEqual([]);
    for (const token of refreshTokens) expect(log.containing([token]).length).toBeLessThanOrEqual(1);
    const output = system.output();
    expect(output).toContain('Refresh token reuse');
    expect([...passwords, ...refreshTokens].filter((s) => output.includes(s))).toEqual([]);
    expect(output).not.toContain('$argon2');
  });
});

describe('identity v2: login rate limit per IP', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ env: { AUTH_LOGIN_IP_LIMIT: '5', AUTH_LOGIN_IP_WINDOW_SEC: '60' } });
  });
  afterAll(async () => {
    expect(await system.stop()).toBe(0);
  });

  it('allows the configured number of login and register attempts per IP, then 429 with Retry-After, across routes', async () => {
    const client = api(system.baseUrl);
    const statuses = [
      (await client.post('/api/v2/auth/login', { username: 'admin', password: 'admin' })).status,
      (await client.post('/api/v1/login', new URLSearchParams({ user: 'admin', password: 'nope' }))).status,
      (await client.post('/api/v1/admin/auth', new URLSearchParams({ user: 'admin', password: 'admin' }))).status,
      (await client.post('/api/v2/auth/register', { username: uniqueName('ip'), password: 'password-ip' })).status,
      (await client.post('/api/v2/auth/login', { username: 'someone', password: 'nope' })).status,
    ];
    expect(statuses).toEqual([200, 401, 200, 201, 401]);
    const limited = await client.post('/api/v2/auth/login', { username: 'admin', password: 'admin' });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(errorBody);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await client.post('/api/v2/auth/register', { username: uniqueName('ip'), password: 'password-ip' })).status).toBe(429);
    // Other routes are not limited.
    expect((await client.get('/health/live')).status).toBe(200);
  });
});
