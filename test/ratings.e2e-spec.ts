import { createMovie } from './support/catalog';
import { api, RunningSystem, startSystem, waitFor } from './support/system';
import { caller } from './support/tokens';

/** A hot movie: many users rating it at once must all be answered, and the aggregate must come out exact. */
describe('ratings of one movie at scale (one process)', () => {
  let system: RunningSystem;
  const admin = caller('admin');

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers 50 users rating one movie in parallel with 2xx, and the aggregate equals the stored ratings', async () => {
    const movieId = await createMovie(system.baseUrl, admin.token, { name: 'Hot movie' });
    const users = Array.from({ length: 50 }, () => caller('user'));
    const answers = await Promise.all(
      users.map((u, i) => api(system.baseUrl, u.token).put(`/api/v2/movies/${movieId}/rating`, { score: 1 + ((i * 7) % 5) })),
    );
    expect(answers.map((a) => a.status).filter((s) => s < 200 || s >= 300)).toEqual([]);
    const expectedSum = users.reduce((sum, _, i) => sum + 1 + ((i * 7) % 5), 0);
    const stored = await api(system.baseUrl).get(`/api/v2/movies/${movieId}/ratings?limit=100`);
    expect(stored.body.total).toBe(50);
    expect(stored.body.items.reduce((sum: number, r: { score: number }) => sum + r.score, 0)).toBe(expectedSum);
    // Each writer's answer came after a recomputation that included its rating: the last one sees all 50.
    const movie = await api(system.baseUrl).get(`/api/v2/movies/${movieId}`);
    expect(movie.body).toMatchObject({ ratingCount: 50 });
    expect(movie.body.averageRating).toBeCloseTo(expectedSum / 50, 12);
  });

  it('records each rating change in the movie change feed, which the recommendation service applies', async () => {
    const feed = async () => (await api(system.baseUrl, admin.token).get('/api/v2/recommendations/feed')).body;
    // The 50 ratings of the test before are in the recommendation service's copy. Read before the movie is
    // created, so its creation event is one of the four counted below.
    const before = await waitFor(async () => ((await feed()).ratings === 50 ? feed() : undefined), 2000, 'the copy to hold 50 ratings');
    const movieId = await createMovie(system.baseUrl, admin.token, { name: 'Fed movie' });
    const user = caller('user');
    const asUser = api(system.baseUrl, user.token);
    expect((await asUser.put(`/api/v2/movies/${movieId}/rating`, { score: 4 })).status).toBe(200);
    expect((await asUser.put(`/api/v2/movies/${movieId}/rating`, { score: 2 })).status).toBe(200);
    expect((await asUser.delete(`/api/v2/movies/${movieId}/rating`)).status).toBe(204);
    const after = await waitFor(
      async () => {
        const now = await feed();
        return now.eventsApplied >= before.eventsApplied + 4 ? now : undefined;
      },
      2000,
      'the recommendation service to apply the movie creation and three rating events',
    );
    expect(after.ratings).toBe(50);
    expect(after.position > before.position).toBe(true);
    expect((await api(system.baseUrl, caller('user').token).get('/api/v2/recommendations/feed')).status).toBe(403);
  });
});
