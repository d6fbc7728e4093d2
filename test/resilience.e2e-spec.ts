import { setTimeout as sleep } from 'node:timers/promises';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { api, isAlive, ROOT, RunningSystem, startSystem, waitFor } from './support/system';
import { mintToken } from './support/tokens';

interface InstanceStatus {
  id: string;
  host: string;
  port: number;
  weight: number;
  state: string;
  inFlight: number;
  calls: { success: number; failure: number; timeout: number; rejected: number };
  lastStateChange: string | null;
}

// Short timeouts so hung and dead instances show within seconds; same names as config/default.yaml.
const RESILIENCE_ENV = {
  RESILIENCE_CALL_TIMEOUT_MS: '500',
  RESILIENCE_MAX_FAILURES: '3',
  RESILIENCE_RESET_TIMEOUT_MS: '1000',
  RESILIENCE_RESET_TIMEOUT_MAX_MS: '2000',
};

describe.each(['tcp', 'nats'] as const)('resilience over %s: split mode with --scale movie=3,1', (transport) => {
  const tcp = transport === 'tcp';
  // The replacement instance must use the same subject prefix as the system it joins.
  const env: Record<string, string> = {
    ...RESILIENCE_ENV,
    TRANSPORT: transport,
    NATS_SUBJECT_PREFIX: `resilience${process.pid}${transport}.`,
  };
  let nats: LocalNatsServer | undefined;
  const admin = mintToken('admin');
  let system: RunningSystem;
  let replacement: ChildProcess | undefined;
  const stopped = new Set<number>();

  const movieProcesses = () => system.state().apps.filter((a) => a.service === 'movie');
  const movieStatus = async (): Promise<InstanceStatus[]> => {
    const res = await api(system.baseUrl, admin).get('/api/v2/admin/services');
    expect(res.status).toBe(200);
    return (res.body.services as { name: string; instances: InstanceStatus[] }[]).find((s) => s.name === 'movie')!.instances;
  };
  const ready = async () => {
    const started = performance.now();
    // Which instance answered, and why a service is down, are an admin's details.
    const res = await api(system.baseUrl, admin).get('/health/ready');
    return { ...res, ms: performance.now() - started };
  };
  /** Readiness calls drive the breakers (each sends one health call per service); wait until every movie breaker is closed. */
  const untilAllClosed = (timeoutMs: number) =>
    waitFor(
      async () => {
        await ready();
        return (await movieStatus()).every((i) => i.state === 'closed') && (await ready()).status === 200;
      },
      timeoutMs,
      'every movie breaker to close',
    );
  const byId = (list: InstanceStatus[]) => Object.fromEntries(list.map((i) => [i.id, i]));

  beforeAll(async () => {
    // Our own NATS server on a free port, never one the machine happens to run.
    if (!tcp) {
      nats = await startNatsServer();
      env.NATS_URL = nats.url;
    }
    system = await startSystem({ mode: 'split', env, args: ['--scale', 'movie=3,1'] });
    // An instance still starting when the first readiness probe arrived may have opened its breaker.
    await untilAllClosed(20_000);
  });
  afterAll(async () => {
    for (const pid of stopped) if (isAlive(pid)) process.kill(pid, 'SIGCONT');
    if (replacement?.exitCode === null) {
      replacement.kill('SIGTERM');
      await new Promise((r) => replacement!.once('exit', r));
    }
    try {
      if (system) expect(await system.stop()).toBe(0);
    } finally {
      await nats?.stop();
    }
  });

  it('starts the movie instances each on its own port with weights 3 and 1, and the gateway knows them', async () => {
    const movies = movieProcesses();
    expect(movies.map((m) => m.weight)).toEqual([3, 1]);
    // --free-ports (as every e2e start): a port of its own per instance; consecutive ports are the configured layout.
    expect(movies[1].port).not.toBe(movies[0].port);
    expect(new Set(movies.map((m) => m.pid)).size).toBe(2);
    const res = await api(system.baseUrl, admin).get('/api/v2/admin/services');
    expect(res.body.services.map((s: { name: string }) => s.name).sort()).toEqual(['auth', 'movie', 'recommendation', 'user']);
    for (const service of res.body.services) expect(service.transport).toBe(transport);
    const instances = await movieStatus();
    if (tcp) {
      expect(instances.map(({ id, host, port, weight }) => ({ id, host, port, weight }))).toEqual([
        { id: 'movie-1', host: '127.0.0.1', port: movies[0].port, weight: 3 },
        { id: 'movie-2', host: '127.0.0.1', port: movies[1].port, weight: 1 },
      ]);
    } else {
      // NATS: one client per service, addressed by the NATS server; the queue group spreads calls over both processes.
      expect(instances).toEqual([
        expect.objectContaining({ id: 'movie-nats', host: '127.0.0.1', port: nats!.port, weight: 1, state: 'closed' }),
      ]);
      const pids = new Set<string>();
      for (let i = 0; i < 60 && pids.size < 2; i++) pids.add((await ready()).body.details.movie.instance.split(':')[1]);
      expect([...pids].sort()).toEqual(movies.map((m) => String(m.pid)).sort());
    }
    expect(instances[0]).toMatchObject({ inFlight: 0, calls: expect.objectContaining({ success: expect.any(Number) }) });
  });

  it('keeps the services status for admins', async () => {
    expect((await api(system.baseUrl).get('/api/v2/admin/services')).status).toBe(401);
    const user = await api(system.baseUrl, mintToken('user')).get('/api/v2/admin/services');
    expect(user.status).toBe(403);
    expect(user.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
  });

  (tcp ? it : it.skip)(
    tcp
      ? 'spreads 400 reads 3:1 over the two movie instances (share of the weight-3 instance within 0.70-0.80)'
      : 'weights: not applicable over NATS, where the queue group (not configured weights) balances instances',
    async () => {
      const before = byId(await movieStatus());
      let ok = 0;
      for (let round = 0; round < 100; round++) {
        const replies = await Promise.all(Array.from({ length: 4 }, () => ready()));
        ok += replies.filter((r) => r.status === 200).length;
      }
      const after = byId(await movieStatus());
      const heavy = after['movie-1'].calls.success - before['movie-1'].calls.success;
      const light = after['movie-2'].calls.success - before['movie-2'].calls.success;
      expect(ok).toBe(400);
      expect(heavy + light).toBe(400);
      expect(heavy / (heavy + light)).toBeGreaterThanOrEqual(0.7);
      expect(heavy / (heavy + light)).toBeLessThanOrEqual(0.8);
    },
  );

  it(
    tcp
      ? 'kill -9 of the weight-3 instance: reads keep succeeding on the other and the dead one’s breaker opens'
      : 'kill -9 of one instance: reads keep succeeding on the other (NATS drops it from the queue group; the breaker stays closed)',
    async () => {
      const [victim, survivor] = movieProcesses();
      const before = byId(await movieStatus());
      process.kill(victim.pid, 'SIGKILL');
      await waitFor(async () => !isAlive(victim.pid), 5000, 'the killed instance to exit');
      await sleep(200);
      const answeredBy = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const res = await ready();
        expect(res.status).toBe(200);
        answeredBy.add(res.body.details.movie.instance.split(':')[1]);
      }
      expect([...answeredBy]).toEqual([String(survivor.pid)]);
      const after = byId(await movieStatus());
      if (tcp) {
        expect(after['movie-1'].state).toBe('open');
        expect(after['movie-1'].calls.failure - before['movie-1'].calls.failure).toBeGreaterThanOrEqual(3);
        expect(after['movie-2'].calls.success - before['movie-2'].calls.success).toBeGreaterThanOrEqual(30);
        expect(after['movie-2'].state).toBe('closed');
      } else {
        expect(after['movie-nats'].state).toBe('closed');
        expect(after['movie-nats'].calls.failure).toBe(before['movie-nats'].calls.failure);
      }
    },
  );

  it('closes the breaker again once a replacement instance is back on the same port', async () => {
    const [victim] = movieProcesses();
    const state = system.state();
    replacement = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'movie', 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        ...env,
        MODE: 'split',
        MONGO_URI: state.db!.uri,
        SERVICES_MOVIE_PORT: String(victim.port),
        SERVICES_MOVIE_HEALTH_PORT: String(await freePort()),
      },
      stdio: 'ignore',
    });
    const newPid = String(replacement.pid);
    if (tcp) {
      await untilAllClosed(30_000);
      const before = byId(await movieStatus());
      const answeredBy = new Set<string>();
      for (let i = 0; i < 20; i++) answeredBy.add((await ready()).body.details.movie.instance.split(':')[1]);
      const after = byId(await movieStatus());
      expect(after['movie-1'].calls.success - before['movie-1'].calls.success).toBeGreaterThanOrEqual(12);
      expect(answeredBy.has(newPid)).toBe(true);
    } else {
      await waitFor(
        async () => (await ready()).body.details?.movie?.instance.split(':')[1] === newPid,
        30_000,
        'the replacement to answer',
      );
    }
  });

  it('hung instances (SIGSTOP): calls end at the timeout, breakers open, then 503 in a few ms; SIGCONT resumes by itself', async () => {
    const pids = [movieProcesses()[1].pid, replacement!.pid!];
    for (const pid of pids) {
      process.kill(pid, 'SIGSTOP');
      stopped.add(pid);
    }
    const first = await ready();
    expect(first.status).toBe(503);
    expect(first.body.error.movie.status).toBe('down');
    expect(first.body.details.user.status).toBe('up');
    expect(first.ms).toBeGreaterThanOrEqual(450);
    expect(first.ms).toBeLessThan(1500);
    await waitFor(
      async () => {
        await Promise.all(Array.from({ length: 4 }, () => ready()));
        return (await movieStatus()).every((i) => i.state === 'open');
      },
      20_000,
      'every movie breaker to open',
    );
    const before = await movieStatus();
    const replies = [];
    for (let i = 0; i < 10; i++) replies.push(await ready());
    // A breaker whose reset timeout just ran out lets one trial through (and waits for it): the rest must fail fast.
    const fast = replies.filter((r) => r.ms < 50);
    expect(fast.length).toBeGreaterThanOrEqual(8);
    for (const res of replies) {
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(1300);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    for (const res of fast) expect(res.body.error.movie.reason).toMatch(/unavailable/);
    const after = await movieStatus();
    const rejected = (list: InstanceStatus[]) => list.reduce((n, i) => n + i.calls.rejected, 0);
    expect(rejected(after) - rejected(before)).toBeGreaterThanOrEqual(fast.length);
    for (const pid of pids) {
      process.kill(pid, 'SIGCONT');
      stopped.delete(pid);
    }
    await untilAllClosed(20_000);
    expect((await ready()).status).toBe(200);
  });

  it('shows breaker states, call outcomes and HTTP requests in /metrics', async () => {
    const res = await fetch(`${system.baseUrl}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    const text = await res.text();
    expect(text).toMatch(
      new RegExp(`resilience_breaker_state\\{service="movie",instance="${tcp ? 'movie-1' : 'movie-nats'}",group="read"\\} 0`),
    );
    expect(text).toMatch(/resilience_calls_total\{service="movie",instance="[^"]+",outcome="timeout"\} [1-9]/);
    expect(text).toMatch(/resilience_call_duration_seconds_bucket\{[^}]*service="movie"[^}]*\} [1-9]/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/health\/ready",status="503"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v2\/admin\/services",status="200"\} [1-9]/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
