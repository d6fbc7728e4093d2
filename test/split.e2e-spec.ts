import { api, isAlive, RunningSystem, startSystem, waitFor } from './support/system';

describe('foundation: split mode', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ mode: 'split' });
  });
  afterAll(async () => {
    const apps = system.state().apps;
    expect(await system.stop()).toBe(0);
    for (const app of apps) expect(isAlive(app.pid)).toBe(false);
  });

  it('runs five app processes, each with its own pid', () => {
    const apps = system.state().apps;
    expect(apps.map((a) => a.service).sort()).toEqual(['auth', 'gateway', 'movie', 'recommendation', 'user']);
    expect(new Set(apps.map((a) => a.pid)).size).toBe(5);
    expect(apps.every((a) => a.pid !== system.proc.pid)).toBe(true);
  });

  it('gives every service its own health port', async () => {
    for (const app of system.state().apps.filter((a) => a.service !== 'gateway')) {
      const res = await api(`http://127.0.0.1:${app.healthPort}`).get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body.details.database).toBe('up');
    }
  });

  it('reports the movie service down within 5 s of kill -9, while staying live', async () => {
    const movie = system.state().apps.find((a) => a.service === 'movie')!;
    process.kill(movie.pid, 'SIGKILL');
    const started = Date.now();
    const res = await waitFor(
      async () => {
        const r = await api(system.baseUrl).get('/health/ready');
        return r.status === 503 ? r : undefined;
      },
      5000,
      'readiness to turn 503',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body.error.movie.status).toBe('down');
    // Anonymous: which service is down, never where it ran or why.
    expect(res.body.details.movie).toEqual({ status: 'down' });
    expect(res.body.message).toBe('Not ready: movie');
    expect(res.body.details.user.status).toBe('up');
    expect((await api(system.baseUrl).get('/health/live')).status).toBe(200);
    await waitFor(async () => system.output().includes('exited with SIGKILL; not restarting'), 5000, 'the launcher to report the crash');
  });
});
