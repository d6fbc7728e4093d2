import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { api, GATEWAY_MAIN, ROOT, RunningSystem, startSystem, waitFor } from './support/system';
import { caller } from './support/tokens';

describe('foundation: one-process mode', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    expect(await system.stop()).toBe(0);
  });

  it('is ready and names every service as up', async () => {
    const res = await api(system.baseUrl).get('/health/ready');
    expect(res.status).toBe(200);
    for (const name of ['auth', 'user', 'movie', 'recommendation']) expect(res.body.details[name].status).toBe('up');
  });

  it('tells anonymous callers only up or down per service; hosts, pids, ports and versions are for admins', async () => {
    const anonymous = await api(system.baseUrl).get('/health/ready');
    expect(anonymous.status).toBe(200);
    for (const name of ['gateway', 'auth', 'user', 'movie', 'recommendation'])
      expect(anonymous.body.details[name]).toEqual({ status: 'up' });
    expect(JSON.stringify(anonymous.body)).not.toMatch(/@|127\.0\.0\.1|instance|version|registry/);
    const forged = await api(system.baseUrl, caller('user').token).get('/health/ready');
    expect(forged.body.details.movie).toEqual({ status: 'up' });
    const admin = await api(system.baseUrl, caller('admin').token).get('/health/ready');
    expect(admin.body.details.movie).toMatchObject({
      status: 'up',
      instance: expect.stringMatching(/^movie@.+:\d+:\d+$/),
      version: expect.any(String),
    });
  });

  it('answers liveness', async () => {
    expect((await api(system.baseUrl).get('/health/live')).body).toEqual({ status: 'ok' });
  });

  it('serves Swagger UI and an OpenAPI 3 document', async () => {
    const ui = await fetch(`${system.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const doc = await api(system.baseUrl).get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health/ready']).toBeDefined();
  });

  it('answers an unknown route with 404 {code, message}', async () => {
    const res = await api(system.baseUrl).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 1005, message: 'Route not found' });
  });

  it('answers a malformed JSON body with 400 {code, message}', async () => {
    const res = await api(system.baseUrl).post('/health/live', '{"bad', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 1002, message: 'Malformed JSON body' });
  });

  it('returns the caller request id, or a new one', async () => {
    const given = await api(system.baseUrl).get('/health/live', { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const fresh = await api(system.baseUrl).get('/health/live', { 'x-request-id': 'bad id <script>' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await api(system.baseUrl).get('/health/live');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves Prometheus metrics to admins only', async () => {
    const anonymous = await api(system.baseUrl).get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(anonymous.body)).not.toMatch(/resilience_|process_cpu|nodejs_version/);
    expect((await api(system.baseUrl, caller('user').token).get('/metrics')).status).toBe(403);
    const res = await fetch(`${system.baseUrl}/metrics`, { headers: { authorization: `Bearer ${caller('admin').token}` } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('resilience_breaker_state');
  });
});

describe('foundation: request log', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    expect(await system.stop()).toBe(0);
  });

  it('logs every request but health probes once, with the request id the caller got back', async () => {
    await api(system.baseUrl).get('/health/live', { 'x-request-id': 'probe-1' });
    const given = await api(system.baseUrl).get('/api/v2/genres', { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const fresh = await api(system.baseUrl).get('/api/v2/nowhere', { 'x-request-id': 'bad id <script>' });
    const freshId = fresh.headers.get('x-request-id')!;
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);
    const completed = () => system.output().split('\n').filter((line) => line.includes('request completed'));
    await waitFor(() => completed().some((line) => line.includes(freshId)), 5000, 'the second request line');
    const lines = completed();
    expect(lines.filter((line) => line.includes('"requestId":"abc-123"') && line.includes('/api/v2/genres'))).toHaveLength(1);
    expect(lines.find((line) => line.includes(freshId))).toContain('"statusCode":404');
    expect(lines.some((line) => line.includes('/health') || line.includes('probe-1') || line.includes('<script>'))).toBe(false);
  });
});

describe('foundation: start-up checks', () => {
  it('stops with a message naming PORT when PORT is not a number, before starting anything', () => {
    const result = spawnSync(process.execPath, [GATEWAY_MAIN], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'abc', NODE_ENV: 'test' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).not.toContain('embedded-db');
  });

  it('stops with a message naming the port when PORT is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = spawnSync(process.execPath, [GATEWAY_MAIN], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), NODE_ENV: 'test' },
        encoding: 'utf8',
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`Port ${port} (PORT) is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('refuses a short JWT secret in production', () => {
    const result = spawnSync(process.execPath, [GATEWAY_MAIN], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: 'short', ADMIN_PASSWORD: 'x' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('JWT_SECRET');
  });
});
