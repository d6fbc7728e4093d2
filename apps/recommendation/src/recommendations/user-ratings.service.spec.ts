import { UserRatings } from './user-ratings.service';

describe('UserRatings', () => {
  it('applies sets, changes and deletes over a full copy, and counts what it holds', () => {
    const ratings = new UserRatings();
    ratings.replace([
      ['m1', 'u1', 5],
      ['m2', 'u1', 2],
      ['m1', 'u2', 3],
    ]);
    ratings.delete('u1', 'm2');
    ratings.set('u1', 'm3', 4);
    ratings.set('u1', 'm3', 1);
    ratings.set('u3', 'm1', 1);
    ratings.delete('u3', 'nothing');
    expect(ratings.of('u1')).toEqual([
      { movieId: 'm1', score: 5 },
      { movieId: 'm3', score: 1 },
    ]);
    expect(ratings.of('u3')).toEqual([{ movieId: 'm1', score: 1 }]);
    expect(ratings.of('nobody')).toEqual([]);
    expect(ratings.size).toBe(4);
  });

  it('drops every rating of a deleted movie, and gives back what it holds as tuples', () => {
    const ratings = new UserRatings();
    ratings.replace([
      ['m1', 'u1', 5],
      ['m2', 'u1', 2],
      ['m1', 'u2', 3],
    ]);
    ratings.deleteMovie('m1');
    expect(ratings.tuples()).toEqual([['m2', 'u1', 2]]);
    expect(ratings.size).toBe(1);
    expect(ratings.of('u2')).toEqual([]);
  });
});
