import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMovie } from './support/catalog';
import { api, ROOT, RunningSystem, startSystem, waitFor } from './support/system';
import { caller, TestCaller } from './support/tokens';

/**
 * Two groups with opposite tastes: group A loves movies A1-A5 and dislikes B1-B5, group B the
 * reverse. A newcomer who liked two A movies must get the other A movies first.
 */
async function twoGroups(baseUrl: string, admin: TestCaller) {
  const ids: Record<string, string> = {};
  for (const g of ['A', 'B'])
    for (let k = 1; k <= 5; k++) ids[`${g}${k}`] = await createMovie(baseUrl, admin.token, { name: `Group ${g} movie ${k}` });
  const rate = async (user: TestCaller, movie: string, score: number) => {
    const res = await api(baseUrl, user.token).put(`/api/v2/movies/${ids[movie]}/rating`, { score });
    if (res.status !== 200) throw new Error(`rating ${movie}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  // Users rate in parallel, each one movie after another.
  await Promise.all(
    Array.from({ length: 12 }, async (_, u) => {
      const user = caller('user');
      const [liked, disliked] = u % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
      for (let k = 1; k <= 5; k++) {
        await rate(user, `${liked}${k}`, 4 + ((u + k) % 2));
        await rate(user, `${disliked}${k}`, 1 + ((u + k) % 2));
      }
    }),
  );
  return { ids, rate };
}

describe('recommendations (one process)', () => {
  let system: RunningSystem;
  const admin = caller('admin');
  let ids: Record<string, string>;
  let rate: (user: TestCaller, movie: string, score: number) => Promise<void>;
  const fanOfA = caller('user');
  const fanOfB = caller('user');

  beforeAll(async () => {
    system = await startSystem();
    ({ ids, rate } = await twoGroups(system.baseUrl, admin));
    await rate(fanOfA, 'A1', 5);
    await rate(fanOfA, 'A2', 5);
    await rate(fanOfB, 'B4', 5);
    await rate(fanOfB, 'B5', 4);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const nameOf = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0];

  it('rebuilds on demand and answers when the build has finished', async () => {
    const res = await api(system.baseUrl, admin.token).post('/api/v2/recommendations/rebuild');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ builtAt: expect.any(String), users: 14, movies: 10, ratings: 124, ms: expect.any(Number) });
    expect(Date.parse(res.body.builtAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('gives a fan of two A movies the other A movies first, and never one they rated', async () => {
    const res = await api(system.baseUrl, fanOfA.token).get('/api/v2/recommendations?limit=10');
    expect(res.status).toBe(200);
    expect(res.body.strategy).toBe('item-cf');
    expect(Date.parse(res.body.generatedAt)).not.toBeNaN();
    const names = res.body.items.map((i: any) => nameOf(i.movie.id));
    expect(names.slice(0, 3).sort()).toEqual(['A3', 'A4', 'A5']);
    expect(res.body.items.slice(0, 3).every((i: any) => i.reason === 'similar' && i.score > 0)).toBe(true);
    expect(names).not.toContain('A1');
    expect(names).not.toContain('A2');
    expect(res.body.items[0].movie).toMatchObject({ name: expect.stringMatching(/^Group A movie [345]$/), ratingCount: 12 });
  });

  it('does the same for the other group', async () => {
    const res = await api(system.baseUrl, fanOfB.token).get('/api/v2/recommendations?limit=3');
    expect(res.body.items.map((i: any) => nameOf(i.movie.id)).sort()).toEqual(['B1', 'B2', 'B3']);
  });

  it("reflects a new rating in that user's recommendations within 2 s, with no rebuild call", async () => {
    await rate(fanOfA, 'A3', 4);
    await waitFor(
      async () => {
        const res = await api(system.baseUrl, fanOfA.token).get('/api/v2/recommendations?limit=10');
        const names = res.body.items.map((i: any) => nameOf(i.movie.id));
        return !names.includes('A3') && names.slice(0, 2).sort().join() === 'A4,A5';
      },
      2000,
      'the rating of A3 to leave the recommendations',
    );
    // A newcomer gets popular picks, then, after one rating, the neighbours of what they rated.
    const newcomer = caller('user');
    expect((await api(system.baseUrl, newcomer.token).get('/api/v2/recommendations?limit=3')).body.strategy).toBe('popular');
    await rate(newcomer, 'B1', 5);
    await waitFor(
      async () => {
        const res = await api(system.baseUrl, newcomer.token).get('/api/v2/recommendations?limit=4');
        const names = res.body.items.map((i: any) => nameOf(i.movie.id));
        return res.body.strategy === 'item-cf' && names.sort().join() === 'B2,B3,B4,B5';
      },
      2000,
      "the newcomer's rating of B1 to bring the other B movies",
    );
  });

  it('gives a user without ratings popular picks by Bayesian average', async () => {
    const res = await api(system.baseUrl, caller('user').token).get('/api/v2/recommendations?limit=4');
    expect(res.status).toBe(200);
    expect(res.body.strategy).toBe('popular');
    expect(res.body.items).toHaveLength(4);
    expect(res.body.items.every((i: any) => i.reason === 'popular')).toBe(true);
    const scores = res.body.items.map((i: any) => i.score);
    expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
  });

  it("lets an admin read anyone's recommendations; others get 403, 401, 400", async () => {
    const res = await api(system.baseUrl, admin.token).get(`/api/v2/recommendations/users/${fanOfB.id}?limit=3`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: any) => nameOf(i.movie.id)).sort()).toEqual(['B1', 'B2', 'B3']);
    const user = api(system.baseUrl, fanOfA.token);
    expect((await user.get(`/api/v2/recommendations/users/${fanOfB.id}`)).status).toBe(403);
    expect((await user.post('/api/v2/recommendations/rebuild')).status).toBe(403);
    expect((await api(system.baseUrl).get('/api/v2/recommendations')).status).toBe(401);
    expect((await api(system.baseUrl).post('/api/v2/recommendations/rebuild')).status).toBe(401);
    const bad = await api(system.baseUrl, admin.token).get('/api/v2/recommendations/users/nope');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(expect.objectContaining({ code: expect.any(Number), message: expect.any(String) }));
    expect((await user.get('/api/v2/recommendations?limit=0')).status).toBe(400);
    expect((await user.get('/api/v2/recommendations?limit=101')).status).toBe(400);
  });
});

describe('recommendations (split mode): fallback when the service is gone, catching up after a restart', () => {
  let system: RunningSystem;
  const admin = caller('admin');
  let recommendationEnv: NodeJS.ProcessEnv;
  let restarted: ChildProcess | undefined;
  let shared: Awaited<ReturnType<typeof twoGroups>>;

  beforeAll(async () => {
    system = await startSystem({ mode: 'split' });
    // What the launcher gave the recommendation process, to start it again by hand after kill -9.
    const pid = system.state().apps.find((a) => a.service === 'recommendation')!.pid;
    recommendationEnv = Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
  });
  afterAll(async () => {
    if (restarted && restarted.exitCode === null) {
      const exited = new Promise((r) => restarted!.once('exit', r));
      restarted.kill('SIGTERM');
      await exited;
    }
    await system?.stop();
  });

  it('answers with popular picks from the movie service, strategy fallback-popular, after kill -9', async () => {
    shared = await twoGroups(system.baseUrl, admin);
    const { ids, rate } = shared;
    const fan = caller('user');
    await rate(fan, 'A1', 5);
    await rate(fan, 'A2', 5);
    const built = await api(system.baseUrl, admin.token).post('/api/v2/recommendations/rebuild');
    expect(built.body).toMatchObject({ ratings: 122 });
    const healthy = await api(system.baseUrl, fan.token).get('/api/v2/recommendations?limit=3');
    expect(healthy.body.strategy).toBe('item-cf');

    const recommendation = system.state().apps.find((a) => a.service === 'recommendation')!;
    process.kill(recommendation.pid, 'SIGKILL');
    const res = await waitFor(
      async () => {
        const r = await api(system.baseUrl, fan.token).get('/api/v2/recommendations?limit=5');
        return r.status === 200 && r.body.strategy === 'fallback-popular' ? r : undefined;
      },
      10_000,
      'the fallback answer',
    );
    expect(res.body.items).toHaveLength(5);
    expect(res.body.items.every((i: any) => i.reason === 'popular')).toBe(true);
    const returned = res.body.items.map((i: any) => i.movie.id);
    expect(returned).not.toContain(ids.A1);
    expect(returned).not.toContain(ids.A2);
    const scores = res.body.items.map((i: any) => i.score);
    expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
    // Admin routes without a fallback say the service is unavailable.
    const rebuild = await api(system.baseUrl, admin.token).post('/api/v2/recommendations/rebuild');
    expect(rebuild.status).toBe(503);
    expect(rebuild.body).toEqual(expect.objectContaining({ code: expect.any(Number), message: expect.any(String) }));
  });

  it('applies every rating given while it was stopped (kill -9) once it is back, from its saved stream position and durable consumer', async () => {
    const { ids, rate } = shared;
    const whileDown = Array.from({ length: 6 }, () => caller('user'));
    for (const user of whileDown) {
      await rate(user, 'A1', 5);
      await rate(user, 'A2', 5);
    }
    restarted = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'recommendation', 'main.js')], {
      env: { ...recommendationEnv, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    restarted.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    restarted.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const feed = await waitFor(
      async () => {
        const res = await api(system.baseUrl, admin.token).get('/api/v2/recommendations/feed');
        return res.status === 200 && res.body.ratings === 122 + 12 ? res.body : undefined;
      },
      30_000,
      'the restarted recommendation service to hold all 134 ratings',
    );
    expect(feed.eventsApplied).toBeGreaterThanOrEqual(12);
    // From its own saved copy and position, not from a full export of every rating.
    expect(output).toMatch(/Ratings copy loaded: \d+ ratings, current to stream position \S+\/\d+/);
    expect(output).not.toMatch(/repaired from the movie service|Saving the ratings copy failed/);
    for (const user of whileDown) {
      const res = await api(system.baseUrl, user.token).get('/api/v2/recommendations?limit=3');
      expect(res.body.strategy).toBe('item-cf');
      expect(res.body.items.map((i: any) => i.movie.id).sort()).toEqual([ids.A3, ids.A4, ids.A5].sort());
    }
  });
});
