import { ApiError, describeError, resolvePath, Session, toApiError } from './api';

interface Call {
  method: string;
  path: string;
  auth?: string;
  body?: any;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A fake gateway: answers by "METHOD path" from a queue of handlers, recording every call. */
function fakeGateway(routes: Record<string, (call: Call) => Response>) {
  const calls: Call[] = [];
  const fetch = async (input: string, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const call: Call = {
      method: init.method ?? 'GET',
      path: input,
      auth: headers.authorization,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    if (!route) return json(404, { code: 1005, message: 'Route not found' });
    return route(call);
  };
  return { calls, fetch };
}

function manualTimers() {
  const pending: { fn: () => void; ms: number; id: number }[] = [];
  let next = 0;
  return {
    pending,
    set: (fn: () => void, ms: number) => {
      const id = ++next;
      pending.push({ fn, ms, id });
      return id;
    },
    clear: (id: unknown) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
    fire: () => pending.shift()!.fn(),
  };
}

const pair = (n: number, expiresIn = 3600) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  tokenType: 'Bearer',
  expiresIn,
});

describe('Session', () => {
  it('logs in, keeps the token in memory and sends it as a bearer token', async () => {
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'admin', role: 'admin' }),
    });
    const session = new Session({ fetch: gw.fetch, timers: manualTimers() });
    const me = await session.login('admin', 'admin');
    expect(me).toEqual({ id: 'u1', username: 'admin', role: 'admin' });
    expect(session.isAdmin).toBe(true);
    expect(gw.calls[0].body).toEqual({ username: 'admin', password: 'admin' });
    expect(gw.calls[1].auth).toBe('Bearer access-1');
  });

  it('renews the access token shortly before it expires', async () => {
    const timers = manualTimers();
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1, 900)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'ann', role: 'user' }),
      'POST /api/v2/auth/refresh': () => json(200, pair(2, 900)),
      'GET /api/v2/movies': (c) => json(200, { auth: c.auth }),
    });
    const session = new Session({ fetch: gw.fetch, timers, refreshMarginSec: 30 });
    await session.login('ann', 'pw');
    expect(timers.pending.map((t) => t.ms)).toEqual([870_000]);
    timers.fire();
    await session.refresh();
    expect(gw.calls.find((c) => c.path === '/api/v2/auth/refresh')!.body).toEqual({ refreshToken: 'refresh-1' });
    expect(await session.request('GET', '/api/v2/movies')).toEqual({ auth: 'Bearer access-2' });
    expect(timers.pending.map((t) => t.ms)).toEqual([870_000]);
  });

  it('refreshes once on a 401 and retries the call with the new token', async () => {
    let moviesCalls = 0;
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'ann', role: 'user' }),
      'POST /api/v2/auth/refresh': () => json(200, pair(2)),
      'GET /api/v2/movies': (c) =>
        ++moviesCalls === 1 ? json(401, { code: 1100, message: 'Token expired' }) : json(200, { auth: c.auth }),
    });
    const session = new Session({ fetch: gw.fetch, timers: manualTimers() });
    await session.login('ann', 'pw');
    await expect(session.request('GET', '/api/v2/movies')).resolves.toEqual({ auth: 'Bearer access-2' });
    expect(gw.calls.filter((c) => c.path === '/api/v2/auth/refresh')).toHaveLength(1);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'ann', role: 'user' }),
      'POST /api/v2/auth/refresh': () => json(200, pair(2)),
      'GET /api/v2/genres': (c) => (c.auth === 'Bearer access-1' ? json(401, { code: 1100, message: 'expired' }) : json(200, [])),
    });
    const session = new Session({ fetch: gw.fetch, timers: manualTimers() });
    await session.login('ann', 'pw');
    await Promise.all([1, 2, 3].map(() => session.request('GET', '/api/v2/genres')));
    expect(gw.calls.filter((c) => c.path === '/api/v2/auth/refresh')).toHaveLength(1);
  });

  it('ends the session and says so when the refresh token is refused', async () => {
    const expired: ApiError[] = [];
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'ann', role: 'user' }),
      'POST /api/v2/auth/refresh': () => json(401, { code: 1100, message: 'Refresh token revoked' }),
      'GET /api/v2/movies': () => json(401, { code: 1100, message: 'Token expired' }),
    });
    const session = new Session({ fetch: gw.fetch, timers: manualTimers(), onExpired: (e) => expired.push(e) });
    await session.login('ann', 'pw');
    await expect(session.request('GET', '/api/v2/movies')).rejects.toMatchObject({ status: 401 });
    expect(session.signedIn).toBe(false);
    expect(expired.map((e) => e.message)).toEqual(['Your session has expired. Sign in again.']);
  });

  it('keeps the session when the refresh fails for another reason, and tries again later', async () => {
    const timers = manualTimers();
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'ann', role: 'user' }),
      'POST /api/v2/auth/refresh': () => json(503, { code: 1300, message: 'The auth service is unavailable' }, { 'retry-after': '5' }),
    });
    const session = new Session({ fetch: gw.fetch, timers });
    await session.login('ann', 'pw');
    await session.refresh();
    expect(session.signedIn).toBe(true);
    expect(timers.pending.map((t) => t.ms)).toEqual([10_000]);
  });

  it('revokes the refresh token on logout and forgets both tokens', async () => {
    const gw = fakeGateway({
      'POST /api/v2/auth/login': () => json(200, pair(1)),
      'GET /api/v2/auth/me': () => json(200, { id: 'u1', username: 'ann', role: 'user' }),
      'POST /api/v2/auth/logout': () => new Response(null, { status: 204 }),
    });
    const timers = manualTimers();
    const session = new Session({ fetch: gw.fetch, timers });
    await session.login('ann', 'pw');
    await session.logout();
    const logout = gw.calls.find((c) => c.path === '/api/v2/auth/logout')!;
    expect(logout).toMatchObject({ auth: 'Bearer access-1', body: { refreshToken: 'refresh-1' } });
    expect(session.signedIn).toBe(false);
    expect(session.me).toBeNull();
    expect(timers.pending).toHaveLength(0);
    await expect(session.request('GET', '/api/v2/movies')).rejects.toMatchObject({ status: 401 });
  });

  it('reports a failed login with the gateway message', async () => {
    const gw = fakeGateway({ 'POST /api/v2/auth/login': () => json(401, { code: 1103, message: 'Invalid username or password' }) });
    const session = new Session({ fetch: gw.fetch, timers: manualTimers() });
    await expect(session.login('admin', 'nope')).rejects.toMatchObject({
      status: 401,
      code: 1103,
      message: 'Invalid username or password',
    });
    expect(session.signedIn).toBe(false);
  });

  it('turns a network failure into a readable message', async () => {
    const session = new Session({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      timers: manualTimers(),
    });
    await expect(session.login('a', 'b')).rejects.toThrow('Cannot reach the gateway');
  });
});

describe('toApiError and describeError', () => {
  it('reads {code, message} and Retry-After', async () => {
    const err = await toApiError(json(503, { code: 1300, message: 'The recommendation service is unavailable' }, { 'retry-after': '7' }));
    expect(err).toMatchObject({ status: 503, code: 1300, retryAfterSec: 7 });
    expect(describeError(err)).toBe('The recommendation service is unavailable. Try again in 7 s.');
  });

  it('never shows a raw body that is not the error shape', async () => {
    const err = await toApiError(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(err.message).toBe('502 Bad Gateway');
    expect(describeError(err)).toBe('502 Bad Gateway.');
  });

  it('joins validation message lists', async () => {
    const err = await toApiError(json(400, { code: 1001, message: ['username is too short', 'password is empty'] }));
    expect(err.message).toBe('username is too short; password is empty');
  });
});

describe('resolvePath', () => {
  it('fills path parameters (encoded) and keeps only the set query values', () => {
    expect(resolvePath('/api/v2/movies/{id}/ratings', { id: 'a b/c' }, { page: 2, limit: 0, q: '', genre: undefined })).toBe(
      '/api/v2/movies/a%20b%2Fc/ratings?page=2&limit=0',
    );
    expect(resolvePath('/api/v2/genres')).toBe('/api/v2/genres');
  });
});
