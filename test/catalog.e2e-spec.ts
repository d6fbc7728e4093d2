import { createMovie, ensureGenre } from './support/catalog';
import { api, RunningSystem, startSystem } from './support/system';
import { caller, mintToken } from './support/tokens';

const ABSENT = '0123456789abcdef01234567';

describe('catalog: movies, genres, ratings (one process)', () => {
  let system: RunningSystem;
  const admin = caller('admin');
  const alice = caller('user');
  let pub: ReturnType<typeof api>;
  let asAdmin: ReturnType<typeof api>;
  let asAlice: ReturnType<typeof api>;

  beforeAll(async () => {
    system = await startSystem();
    pub = api(system.baseUrl);
    asAdmin = api(system.baseUrl, admin.token);
    asAlice = api(system.baseUrl, alice.token);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const expectError = (res: { status: number; body: any }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual(expect.objectContaining({ code: expect.any(Number), message: expect.any(String) }));
  };

  describe('v1', () => {
    it('adds a movie for any signed-in user and lists it publicly in the original shape', async () => {
      const res = await asAlice.post('/api/v1/movies', { name: 'Old Client Movie', url: 'u', coverImage: 'c', description: 'd' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Successfully' });
      const list = await pub.get('/api/v1/movies/list');
      expect(list.status).toBe(200);
      const movie = list.body.find((m: any) => m.name === 'Old Client Movie');
      expect(movie).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Old Client Movie',
        url: 'u',
        coverImage: 'c',
        description: 'd',
      });
    });

    it('refuses an empty name with 400 and a missing token with 401', async () => {
      expectError(await asAlice.post('/api/v1/movies', { name: '  ', url: 'u' }), 400);
      expectError(await asAlice.post('/api/v1/movies', { url: 'u' }), 400);
      expectError(await pub.post('/api/v1/movies', { name: 'x' }), 401);
      expectError(await api(system.baseUrl, 'garbage').post('/api/v1/movies', { name: 'x' }), 401);
    });
  });

  describe('genres', () => {
    it('lets an admin add genres (201), lists them publicly, and refuses duplicates with 409', async () => {
      const res = await asAdmin.post('/api/v2/genres', { name: 'Noir', description: 'Shadows' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'Noir', description: 'Shadows' });
      expectError(await asAdmin.post('/api/v2/genres', { name: 'Noir' }), 409);
      const list = await pub.get('/api/v2/genres');
      expect(list.status).toBe(200);
      expect(list.body).toContainEqual({ id: res.body.id, name: 'Noir', description: 'Shadows' });
    });

    it('needs an admin (403 for users, 401 without token) and a name (400)', async () => {
      expectError(await asAlice.post('/api/v2/genres', { name: 'Western' }), 403);
      expectError(await pub.post('/api/v2/genres', { name: 'Western' }), 401);
      expectError(await asAdmin.post('/api/v2/genres', { name: '' }), 400);
      expectError(await asAdmin.post('/api/v2/genres', { name: 'X', extra: 1 }), 400);
    });
  });

  describe('movies', () => {
    let noirId: string;

    beforeAll(async () => {
      await ensureGenre(system.baseUrl, admin.token, 'Noir');
      await ensureGenre(system.baseUrl, admin.token, 'Heist');
      noirId = await createMovie(system.baseUrl, admin.token, {
        name: 'The Big Sleep',
        genres: ['Noir'],
        year: 1946,
        description: 'Marlowe',
      });
      await createMovie(system.baseUrl, admin.token, { name: 'Rififi (1955)', genres: ['Noir', 'Heist'], year: 1955 });
      await createMovie(system.baseUrl, admin.token, { name: 'A.B. Heist', genres: ['Heist'], year: 2001 });
      await createMovie(system.baseUrl, admin.token, { name: 'AxB Heist', genres: ['Heist'], year: 2001 });
    });

    it('creates a movie as admin with 201 and every field', async () => {
      const res = await asAdmin.post('/api/v2/movies', {
        name: 'Laura',
        genres: ['Noir'],
        year: 1944,
        url: 'https://x',
        coverImage: 'c.jpg',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Laura',
        url: 'https://x',
        coverImage: 'c.jpg',
        description: '',
        genres: ['Noir'],
        year: 1944,
        averageRating: 0,
        ratingCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('refuses unknown genres (400), bad input (400), users (403) and anonymous callers (401)', async () => {
      const unknown = await asAdmin.post('/api/v2/movies', { name: 'X', genres: ['Nope'] });
      expectError(unknown, 400);
      expect(unknown.body.message).toContain('Nope');
      expectError(await asAdmin.post('/api/v2/movies', { name: 'X', year: 'soon' }), 400);
      expectError(await asAdmin.post('/api/v2/movies', { name: '' }), 400);
      expectError(await asAlice.post('/api/v2/movies', { name: 'X' }), 403);
      expectError(await pub.post('/api/v2/movies', { name: 'X' }), 401);
    });

    it('gets one movie publicly; malformed id 400, absent 404', async () => {
      const res = await pub.get(`/api/v2/movies/${noirId}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: noirId, name: 'The Big Sleep', genres: ['Noir'], year: 1946 });
      expectError(await pub.get('/api/v2/movies/not-an-id'), 400);
      expectError(await pub.get(`/api/v2/movies/${ABSENT}`), 404);
    });

    it('filters by genre, year and literal title text, sorts, and pages', async () => {
      const heist = await pub.get('/api/v2/movies?genre=Heist&sort=name');
      expect(heist.body.items.map((m: any) => m.name)).toEqual(['A.B. Heist', 'AxB Heist', 'Rififi (1955)']);
      expect(heist.body).toMatchObject({ total: 3, page: 1, limit: 20 });
      const desc = await pub.get('/api/v2/movies?genre=Heist&sort=-name');
      expect(desc.body.items.map((m: any) => m.name)).toEqual(['Rififi (1955)', 'AxB Heist', 'A.B. Heist']);
      expect((await pub.get('/api/v2/movies?year=1946')).body.items.map((m: any) => m.name)).toEqual(['The Big Sleep']);
      expect((await pub.get('/api/v2/movies?q=a.b.')).body.items.map((m: any) => m.name)).toEqual(['A.B. Heist']);
      expect((await pub.get(`/api/v2/movies?q=${encodeURIComponent('(1955)')}`)).body.items.map((m: any) => m.name)).toEqual([
        'Rififi (1955)',
      ]);
      expect((await pub.get(`/api/v2/movies?q=${encodeURIComponent('.*')}`)).body.total).toBe(0);
      expect((await pub.get('/api/v2/movies?q=BIG%20sleep')).body.total).toBe(1);
      const page2 = await pub.get('/api/v2/movies?genre=Heist&sort=name&page=2&limit=2');
      expect(page2.body).toMatchObject({ total: 3, page: 2, limit: 2 });
      expect(page2.body.items.map((m: any) => m.name)).toEqual(['Rififi (1955)']);
      const byYear = await pub.get('/api/v2/movies?genre=Heist&sort=-year');
      expect(byYear.body.items[2].name).toBe('Rififi (1955)');
    });

    it('refuses bad list queries with 400', async () => {
      expectError(await pub.get('/api/v2/movies?sort=password'), 400);
      expectError(await pub.get('/api/v2/movies?limit=101'), 400);
      expectError(await pub.get('/api/v2/movies?page=0'), 400);
      expectError(await pub.get('/api/v2/movies?year=abc'), 400);
    });

    it('updates a movie as admin (200); unknown genre 400, absent 404, user 403', async () => {
      const res = await asAdmin.patch(`/api/v2/movies/${noirId}`, { description: 'Philip Marlowe', genres: ['Noir', 'Heist'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: noirId, description: 'Philip Marlowe', genres: ['Noir', 'Heist'], name: 'The Big Sleep' });
      expectError(await asAdmin.patch(`/api/v2/movies/${noirId}`, { genres: ['Nope'] }), 400);
      expectError(await asAdmin.patch(`/api/v2/movies/${ABSENT}`, { description: 'x' }), 404);
      expectError(await asAdmin.patch('/api/v2/movies/zzz', { description: 'x' }), 400);
      expectError(await asAlice.patch(`/api/v2/movies/${noirId}`, { description: 'x' }), 403);
    });
  });

  describe('ratings', () => {
    let movieId: string;

    beforeAll(async () => {
      movieId = await createMovie(system.baseUrl, admin.token, { name: 'Rated Movie' });
    });

    it("upserts the caller's own rating and keeps the movie's aggregates", async () => {
      const first = await asAlice.put(`/api/v2/movies/${movieId}/rating`, { score: 4, comment: 'good' });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        movieId,
        userId: alice.id,
        score: 4,
        comment: 'good',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const bob = caller('user');
      await api(system.baseUrl, bob.token).put(`/api/v2/movies/${movieId}/rating`, { score: 1 });
      expect((await pub.get(`/api/v2/movies/${movieId}`)).body).toMatchObject({ ratingCount: 2, averageRating: 2.5 });
      const changed = await asAlice.put(`/api/v2/movies/${movieId}/rating`, { score: 2 });
      expect(changed.body).toMatchObject({ score: 2, comment: '', createdAt: first.body.createdAt });
      expect((await pub.get(`/api/v2/movies/${movieId}`)).body).toMatchObject({ ratingCount: 2, averageRating: 1.5 });
      const list = await pub.get(`/api/v2/movies/${movieId}/ratings?limit=1`);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 2, page: 1, limit: 1 });
      expect(list.body.items).toHaveLength(1);
    });

    it('refuses bad scores and comments (400), absent movies (404), malformed ids (400), anonymous callers (401)', async () => {
      for (const body of [{ score: 0 }, { score: 6 }, { score: 3.5 }, { score: '4' }, {}, { score: 3, comment: 'x'.repeat(2001) }]) {
        expectError(await asAlice.put(`/api/v2/movies/${movieId}/rating`, body), 400);
      }
      expect((await asAlice.put(`/api/v2/movies/${movieId}/rating`, { score: 3, comment: 'x'.repeat(2000) })).status).toBe(200);
      expectError(await asAlice.put(`/api/v2/movies/${ABSENT}/rating`, { score: 3 }), 404);
      expectError(await asAlice.put('/api/v2/movies/123/rating', { score: 3 }), 400);
      expectError(await pub.put(`/api/v2/movies/${movieId}/rating`, { score: 3 }), 401);
      expectError(await pub.get(`/api/v2/movies/${ABSENT}/ratings`), 404);
      expectError(await pub.get('/api/v2/movies/bad/ratings'), 400);
    });

    it("deletes the caller's rating (204), then 404; aggregates follow", async () => {
      const carol = caller('user');
      const asCarol = api(system.baseUrl, carol.token);
      await asCarol.put(`/api/v2/movies/${movieId}/rating`, { score: 5 });
      const before = (await pub.get(`/api/v2/movies/${movieId}`)).body;
      const res = await asCarol.delete(`/api/v2/movies/${movieId}/rating`);
      expect(res.status).toBe(204);
      const after = (await pub.get(`/api/v2/movies/${movieId}`)).body;
      expect(after.ratingCount).toBe(before.ratingCount - 1);
      expect(after.averageRating * after.ratingCount).toBeCloseTo(before.averageRating * before.ratingCount - 5, 9);
      expectError(await asCarol.delete(`/api/v2/movies/${movieId}/rating`), 404);
      expectError(await pub.delete(`/api/v2/movies/${movieId}/rating`), 401);
    });

    it('keeps aggregates exact under concurrent ratings, changes and deletions of one movie', async () => {
      const target = await createMovie(system.baseUrl, admin.token, { name: 'Busy Movie' });
      const users = Array.from({ length: 30 }, () => caller('user'));
      const scores = new Map<string, number>();
      const first = await Promise.all(
        users.map((u, i) => {
          scores.set(u.id, 1 + (i % 5));
          return api(system.baseUrl, u.token).put(`/api/v2/movies/${target}/rating`, { score: 1 + (i % 5) });
        }),
      );
      expect(first.every((r) => r.status === 200)).toBe(true);
      let movie = (await pub.get(`/api/v2/movies/${target}`)).body;
      expect(movie.ratingCount).toBe(30);
      expect(movie.averageRating).toBeCloseTo([...scores.values()].reduce((a, b) => a + b, 0) / 30, 9);

      // Ten change their score, ten remove theirs, one changes it five times at once: all in parallel.
      const busy = users[29];
      const burst = [5, 1, 4, 2, 3];
      const mixed = await Promise.all([
        ...users.slice(0, 10).map((u) => {
          scores.set(u.id, 6 - scores.get(u.id)!);
          return api(system.baseUrl, u.token).put(`/api/v2/movies/${target}/rating`, { score: scores.get(u.id) });
        }),
        ...users.slice(10, 20).map((u) => {
          scores.delete(u.id);
          return api(system.baseUrl, u.token).delete(`/api/v2/movies/${target}/rating`);
        }),
        ...burst.map((s) => api(system.baseUrl, busy.token).put(`/api/v2/movies/${target}/rating`, { score: s })),
      ]);
      expect(mixed.every((r) => r.status === 200 || r.status === 204)).toBe(true);
      const ratings = (await pub.get(`/api/v2/movies/${target}/ratings?limit=100`)).body;
      const stored = new Map<string, number>(ratings.items.map((r: any) => [r.userId, r.score]));
      expect(ratings.total).toBe(20);
      expect(burst).toContain(stored.get(busy.id));
      scores.set(busy.id, stored.get(busy.id)!);
      expect(stored).toEqual(scores);
      movie = (await pub.get(`/api/v2/movies/${target}`)).body;
      expect(movie.ratingCount).toBe(20);
      expect(movie.averageRating).toBeCloseTo([...stored.values()].reduce((a, b) => a + b, 0) / 20, 9);
      // The stored sort key agrees with the exact average.
      const sorted = (await pub.get(`/api/v2/movies?q=Busy%20Movie&sort=-averageRating`)).body.items[0];
      expect(sorted.averageRating).toBeCloseTo(movie.averageRating, 9);
    });

    it('deletes a movie and its ratings as admin (204); user 403, absent 404', async () => {
      const doomed = await createMovie(system.baseUrl, admin.token, { name: 'Doomed' });
      await asAlice.put(`/api/v2/movies/${doomed}/rating`, { score: 5 });
      const before = await asAdmin.post('/api/v2/recommendations/rebuild');
      expect(before.status).toBe(200);
      expectError(await asAlice.delete(`/api/v2/movies/${doomed}`), 403);
      expect((await asAdmin.delete(`/api/v2/movies/${doomed}`)).status).toBe(204);
      expectError(await pub.get(`/api/v2/movies/${doomed}`), 404);
      expectError(await asAdmin.delete(`/api/v2/movies/${doomed}`), 404);
      const after = await asAdmin.post('/api/v2/recommendations/rebuild');
      expect(after.body.ratings).toBe(before.body.ratings - 1);
      expectError(await asAlice.put(`/api/v2/movies/${doomed}/rating`, { score: 5 }), 404);
    });

    it('refuses a token with a role the API does not know for rating (403)', async () => {
      const service = mintToken({ sub: 'service:x', name: 'x', role: 'service' });
      expectError(await api(system.baseUrl, service).put(`/api/v2/movies/${movieId}/rating`, { score: 3 }), 403);
    });
  });
});
