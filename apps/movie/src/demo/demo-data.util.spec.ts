import { demoUserId, generateDemoData } from './demo-data.util';

describe('demo data', () => {
  const data = generateDemoData();

  it('is the same on every run', () => {
    expect(generateDemoData()).toEqual(data);
  });

  it('has 10 genres, 100 movies with unique names and 50 users with structured ratings', () => {
    expect(data.genres).toHaveLength(10);
    expect(data.movies).toHaveLength(100);
    expect(new Set(data.movies.map((m) => m.name)).size).toBe(100);
    const users = new Set(data.ratings.map((r) => r.userId));
    expect(users.size).toBe(50);
    expect([...users].every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
    const pairs = new Set(data.ratings.map((r) => `${r.movie}:${r.userId}`));
    expect(pairs.size).toBe(data.ratings.length);
    expect(data.ratings.every((r) => Number.isInteger(r.score) && r.score >= 1 && r.score <= 5)).toBe(true);
    const genreNames = new Set(data.genres.map((g) => g.name));
    expect(data.movies.every((m) => m.genres.every((g) => genreNames.has(g)))).toBe(true);
  });

  it('gives groups opposite tastes: group 1 rates Action high and Romance low', () => {
    const mean = (user: string, genre: string) => {
      const scores = data.ratings.filter((r) => r.userId === user && data.movies[r.movie].genres[0] === genre).map((r) => r.score);
      return scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
    };
    const groupOne = [1, 6, 11, 16, 21].map(demoUserId);
    const action = groupOne.map((u) => mean(u, 'Action')).filter((m) => m > 0);
    const romance = groupOne.map((u) => mean(u, 'Romance')).filter((m) => m > 0);
    expect(Math.min(...action)).toBeGreaterThan(Math.max(...romance));
  });
});
