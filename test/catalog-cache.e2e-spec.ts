import { setTimeout as sleep } from 'node:timers/promises';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { loadConfig } from '@app/config';
import { CachedRead, MOVIE_PATTERNS } from '@app/contracts';
import { createMovie } from './support/catalog';
import { api, RunningSystem, startSystem } from './support/system';
import { caller } from './support/tokens';
import { serviceTcpClient } from './support/service-client';

/** The promise in docs/services.md: a write is visible to every instance's reads this long after it was acknowledged. */
const STALENESS_MS = loadConfig({ NODE_ENV: 'test' }).catalogCache.stalenessMs;
const ABSENT = '0123456789abcdef01234567';
async function cacheLookups(baseUrl: string, outcome: string): Promise<number> {
  const text = (await api(baseUrl, caller('admin').token).get<string>('/metrics')).body;
  const line = text.split('\n').find((l) => l.startsWith(`catalog_cache_lookups_total{outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('catalog cache and HTTP caching (one process)', () => {
  let system: RunningSystem;
  const admin = caller('admin');
  const alice = caller('user');
  const bob = caller('user');
  let pub: ReturnType<typeof api>;
  let asAdmin: ReturnType<typeof api>;
  let movieId: string;

  beforeAll(async () => {
    system = await startSystem();
    pub = api(system.baseUrl);
    asAdmin = api(system.baseUrl, admin.token);
    movieId = await createMovie(system.baseUrl, admin.token, { name: 'Cache Movie', description: 'first' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  describe('ETag and If-None-Match (RFC 9110)', () => {
    const reads = () => [
      `/api/v2/movies/${movieId}`,
      '/api/v2/movies?limit=5',
      '/api/v2/genres',
      `/api/v2/movies/${movieId}/ratings`,
      '/api/v1/movies/list',
    ];

    it('tags every catalog read with a strong ETag and public, revalidated caching', async () => {
      for (const path of reads()) {
        const res = await pub.get(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
        expect(res.headers.get('cache-control')).toBe('public, no-cache');
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const again = await pub.get(path);
        expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
        expect(again.body).toEqual(res.body);
      }
    });

    it('answers 304 without a body, with ETag and Cache-Control, when a held tag matches (weak comparison, lists, *)', async () => {
      for (const path of reads()) {
        const etag = (await pub.get(path)).headers.get('etag')!;
        for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
          const res = await pub.get(path, { 'if-none-match': header });
          expect({ header, status: res.status }).toEqual({ header, status: 304 });
          expect(res.body).toBeUndefined();
          expect(res.headers.get('etag')).toBe(etag);
          expect(res.headers.get('cache-control')).toBe('public, no-cache');
          expect(res.headers.get('content-length')).toBeNull();
        }
      }
    });

    it('answers 200 with the body when no held tag matches, and ignores a malformed header', async () => {
      const path = `/api/v2/movies/${movieId}`;
      for (const header of ['"not-it"', 'W/"not-it", "nor-this"', 'garbage', '"unterminated']) {
        const res = await pub.get(path, { 'if-none-match': header });
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(movieId);
      }
    });

    it('answers a conditional HEAD with 304 and a plain HEAD with the headers of the GET', async () => {
      const path = `/api/v2/movies/${movieId}`;
      const get = await pub.get(path);
      const head = await pub.call('HEAD', path);
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
      const conditional = await pub.call('HEAD', path, undefined, { 'if-none-match': get.headers.get('etag')! });
      expect(conditional.status).toBe(304);
      expect(conditional.headers.get('content-length')).toBeNull();
    });

    it('never answers 304 for a resource that does not exist (If-None-Match: * is false there)', async () => {
      const res = await pub.get(`/api/v2/movies/${ABSENT}`, { 'if-none-match': '*' });
      expect(res.status).toBe(404);
      expect(res.headers.get('etag')).toBeNull();
    });

    it('gives a changed movie a new tag, so a client holding the old one gets the new body', async () => {
      const path = `/api/v2/movies/${movieId}`;
      const before = await pub.get(path);
      expect((await asAdmin.patch(path, { description: 'second' })).status).toBe(200);
      const after = await pub.get(path, { 'if-none-match': before.headers.get('etag')! });
      expect(after.status).toBe(200);
      expect(after.body.description).toBe('second');
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    });
  });

  it('serves repeated reads from memory (the cache hit counter moves)', async () => {
    const path = `/api/v2/movies/${movieId}`;
    await pub.get(path);
    const hits = await cacheLookups(system.baseUrl, 'hit');
    for (let i = 0; i < 5; i++) expect((await pub.get(path)).status).toBe(200);
    expect(await cacheLookups(system.baseUrl, 'hit')).toBeGreaterThan(hits);
  });

  it('reflects each kind of write in the next read: create, change, rate, delete', async () => {
    const name = `Fresh ${Date.now()}`;
    const list = () => pub.get(`/api/v2/movies?q=${encodeURIComponent(name)}`);
    const v1 = async () => (await pub.get<any[]>('/api/v1/movies/list')).body.filter((m) => m.name.startsWith(name));
    expect((await list()).body.total).toBe(0);
    expect(await v1()).toHaveLength(0);

    const id = await createMovie(system.baseUrl, admin.token, { name });
    expect((await list()).body.total).toBe(1);
    expect(await v1()).toHaveLength(1);

    expect((await pub.get(`/api/v2/movies/${id}`)).body.name).toBe(name);
    await asAdmin.patch(`/api/v2/movies/${id}`, { name: `${name} changed` });
    expect((await pub.get(`/api/v2/movies/${id}`)).body.name).toBe(`${name} changed`);
    expect((await v1())[0].name).toBe(`${name} changed`);

    expect((await pub.get(`/api/v2/movies/${id}/ratings`)).body.total).toBe(0);
    expect((await api(system.baseUrl, alice.token).put(`/api/v2/movies/${id}/rating`, { score: 4 })).status).toBe(200);
    expect((await pub.get(`/api/v2/movies/${id}`)).body).toEqual(expect.objectContaining({ ratingCount: 1, averageRating: 4 }));
    expect((await pub.get(`/api/v2/movies/${id}/ratings`)).body.total).toBe(1);

    expect((await asAdmin.delete(`/api/v2/movies/${id}`)).status).toBe(204);
    expect((await pub.get(`/api/v2/movies/${id}`)).status).toBe(404);
    expect((await list()).body.total).toBe(0);
    expect(await v1()).toHaveLength(0);
  });

  it("keeps per-user answers private: two users never get each other's, and a borrowed tag does not match", async () => {
    const asAlice = api(system.baseUrl, alice.token);
    const asBob = api(system.baseUrl, bob.token);
    // Each rates a different movie; after a rebuild both are popular picks, and each user's own rating keeps it out of their answer.
    const hers = await createMovie(system.baseUrl, admin.token, { name: 'Alice Rated' });
    const his = await createMovie(system.baseUrl, admin.token, { name: 'Bob Rated' });
    expect((await asAlice.put(`/api/v2/movies/${hers}/rating`, { score: 5 })).status).toBe(200);
    expect((await asBob.put(`/api/v2/movies/${his}/rating`, { score: 5 })).status).toBe(200);
    expect((await asAdmin.post('/api/v2/recommendations/rebuild')).status).toBe(200);
    const picks = (r: { body: any }) => (r.body.items as { movie: { id: string } }[]).map((i) => i.movie.id);

    const forAlice = await asAlice.get('/api/v2/recommendations?limit=50');
    const forBob = await asBob.get('/api/v2/recommendations?limit=50');
    expect(picks(forAlice)).toContain(his);
    expect(picks(forAlice)).not.toContain(hers);
    expect(picks(forBob)).toContain(hers);
    expect(picks(forBob)).not.toContain(his);
    for (const res of [forAlice, forBob]) {
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.headers.get('vary')).toMatch(/authorization/i);
      expect(res.headers.get('etag')).toMatch(/^"/);
    }
    expect(forAlice.headers.get('etag')).not.toBe(forBob.headers.get('etag'));

    // Bob presenting Alice's tag gets his own full answer, never a 304 that would let a cache hand him hers.
    const borrowed = await asBob.get('/api/v2/recommendations?limit=50', { 'if-none-match': forAlice.headers.get('etag')! });
    expect(borrowed.status).toBe(200);
    expect(picks(borrowed)).toContain(hers);
    expect(picks(borrowed)).not.toContain(his);
  });
});

describe('catalog cache across instances (split mode, two movie instances)', () => {
  let system: RunningSystem;
  const admin = caller('admin');
  const alice = caller('user');
  let pub: ReturnType<typeof api>;
  let asAdmin: ReturnType<typeof api>;
  let instances: ClientProxy[] = [];

  /** One catalog read from every movie instance directly (the two paths the gateway balances over). */
  async function everyInstance(pattern: string, data: unknown): Promise<{ status: number; body: any; etag?: string }[]> {
    return Promise.all(
      instances.map(async (client) => {
        try {
          const read = await firstValueFrom(client.send<CachedRead>(pattern, { meta: {}, data }));
          return { status: 200, body: JSON.parse(read.body!), etag: read.etag };
        } catch (err) {
          return { status: (err as { status?: number }).status ?? 500, body: err };
        }
      }),
    );
  }

  beforeAll(async () => {
    system = await startSystem({ mode: 'split', args: ['--scale', 'movie=1,1'] });
    pub = api(system.baseUrl);
    asAdmin = api(system.baseUrl, admin.token);
    const movies = system.state().apps.filter((a) => a.service === 'movie');
    expect(movies).toHaveLength(2);
    instances = movies.map((m) => serviceTcpClient(m.port));
    await Promise.all(instances.map((c) => c.connect()));
  });
  afterAll(async () => {
    await Promise.all(instances.map((c) => c.close()));
    await system?.stop();
  });

  it('tags the same data identically on every instance', async () => {
    const id = await createMovie(system.baseUrl, admin.token, { name: 'Same Tag' });
    await sleep(STALENESS_MS);
    const reads = await everyInstance(MOVIE_PATTERNS.get, { id });
    expect(reads.map((r) => r.status)).toEqual([200, 200]);
    expect(reads[0].etag).toBe(reads[1].etag);
  });

  it(`shows every kind of write on every instance within ${STALENESS_MS} ms: create, change, rate, delete`, async () => {
    const name = `Across ${Date.now()}`;
    const list = { q: name, page: 1, limit: 20 };
    const v1Names = (body: any[]) => body.filter((m) => m.name.startsWith(name)).map((m) => m.name);
    // Warm both instances' caches first, so a missed invalidation would show as a stale answer.
    for (const r of await everyInstance(MOVIE_PATTERNS.list, list)) expect(r.body.total).toBe(0);
    for (const r of await everyInstance(MOVIE_PATTERNS.listAll, {})) expect(v1Names(r.body)).toEqual([]);

    const id = await createMovie(system.baseUrl, admin.token, { name });
    await sleep(STALENESS_MS);
    for (const r of await everyInstance(MOVIE_PATTERNS.list, list)) expect(r.body.total).toBe(1);
    for (const r of await everyInstance(MOVIE_PATTERNS.listAll, {})) expect(v1Names(r.body)).toEqual([name]);

    for (const r of await everyInstance(MOVIE_PATTERNS.get, { id })) expect(r.body.name).toBe(name);
    expect((await asAdmin.patch(`/api/v2/movies/${id}`, { name: `${name} changed` })).status).toBe(200);
    await sleep(STALENESS_MS);
    for (const r of await everyInstance(MOVIE_PATTERNS.get, { id })) expect(r.body.name).toBe(`${name} changed`);
    for (const r of await everyInstance(MOVIE_PATTERNS.listAll, {})) expect(v1Names(r.body)).toEqual([`${name} changed`]);

    for (const r of await everyInstance(MOVIE_PATTERNS.ratingsOfMovie, { movieId: id, page: 1, limit: 20 })) expect(r.body.total).toBe(0);
    expect((await api(system.baseUrl, alice.token).put(`/api/v2/movies/${id}/rating`, { score: 2 })).status).toBe(200);
    await sleep(STALENESS_MS);
    for (const r of await everyInstance(MOVIE_PATTERNS.get, { id }))
      expect(r.body).toEqual(expect.objectContaining({ ratingCount: 1, averageRating: 2 }));
    for (const r of await everyInstance(MOVIE_PATTERNS.ratingsOfMovie, { movieId: id, page: 1, limit: 20 })) expect(r.body.total).toBe(1);

    expect((await asAdmin.delete(`/api/v2/movies/${id}`)).status).toBe(204);
    await sleep(STALENESS_MS);
    for (const r of await everyInstance(MOVIE_PATTERNS.get, { id })) expect(r.status).toBe(404);
    for (const r of await everyInstance(MOVIE_PATTERNS.list, list)) expect(r.body.total).toBe(0);
    // And through the gateway, whichever instance it picks.
    for (let i = 0; i < 4; i++) expect((await pub.get(`/api/v2/movies/${id}`)).status).toBe(404);
  });
});
