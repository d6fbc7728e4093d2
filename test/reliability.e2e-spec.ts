import { api, RunningSystem, startSystem, waitFor } from './support/system';
import { mintToken } from './support/tokens';

const ENV = { RESILIENCE_CALL_TIMEOUT_MS: '500', RESILIENCE_MAX_FAILURES: '3', RESILIENCE_RESET_TIMEOUT_MS: '1000' };

/** Kill a movie instance under write load: no acknowledged (2xx) write may be lost, and its breaker must open. */
describe('reliability: a service instance killed under write load', () => {
  let system: RunningSystem;
  const admin = mintToken('admin');

  beforeAll(async () => {
    system = await startSystem({ mode: 'split', args: ['--scale', 'movie=1,1'], env: ENV });
  });
  afterAll(async () => {
    await system.stop();
  });

  it('loses no acknowledged write, and opens the dead instance breaker within seconds', async () => {
    const client = api(system.baseUrl, admin);
    const acknowledged: string[] = [];
    const statuses: Record<number, number> = {};
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const i = n++;
        const res = await client
          .post('/api/v2/movies', {
            name: `Write ${i}`,
            url: `https://example.com/${i}`,
            coverImage: `https://example.com/${i}.png`,
            description: 'load',
          })
          .catch(() => ({ status: 0, body: undefined }));
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) acknowledged.push(res.body.id);
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    let killedAt: number | undefined;
    let opened: number | undefined;
    // The writers stop however the test ends: loops left running would keep jest from exiting.
    try {
      await waitFor(async () => acknowledged.length >= 20, 20_000, 'writes to flow');
      const victim = system.state().apps.find((a) => a.name === 'movie-1')!;
      process.kill(victim.pid, 'SIGKILL');
      killedAt = Date.now();
      opened = await waitFor(
        async () => {
          const res = await client.get('/api/v2/admin/services');
          const instance = res.body.services
            .find((s: { name: string }) => s.name === 'movie')
            .instances.find((i: { port: number }) => i.port === victim.port);
          return instance.state === 'open' ? Date.now() : undefined;
        },
        10_000,
        "the dead instance's breaker to open",
      );
      const before = acknowledged.length;
      await waitFor(async () => acknowledged.length >= before + 20, 20_000, 'writes to keep flowing on the other instance');
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    process.stdout.write(
      `reliability: ${acknowledged.length} acknowledged writes, statuses ${JSON.stringify(statuses)}, breaker open ${opened! - killedAt!} ms after kill -9\n`,
    );
    expect(Object.keys(statuses).every((s) => ['201', '503'].includes(s))).toBe(true);
    const missing: string[] = [];
    for (const id of acknowledged) if ((await api(system.baseUrl).get(`/api/v2/movies/${id}`)).status !== 200) missing.push(id);
    expect(missing).toEqual([]);
  });
});
