import { UserRatings } from './user-ratings';

describe('UserRatings', () => {
  it('merges reported changes over the build snapshot', () => {
    const ratings = new UserRatings();
    ratings.replaceBase(
      [
        ['m1', 'u1', 5],
        ['m2', 'u1', 2],
        ['m1', 'u2', 3],
      ],
      1000,
    );
    ratings.note('u1', 'm2', null, 2000);
    ratings.note('u1', 'm3', 4, 2000);
    ratings.note('u3', 'm1', 1, 2000);
    expect(ratings.of('u1')).toEqual([
      { movieId: 'm1', score: 5 },
      { movieId: 'm3', score: 4 },
    ]);
    expect(ratings.of('u3')).toEqual([{ movieId: 'm1', score: 1 }]);
    expect(ratings.of('nobody')).toEqual([]);
  });

  it('keeps notes newer than the next build start and drops older ones', () => {
    const ratings = new UserRatings();
    ratings.note('u1', 'old', 5, 1000);
    ratings.note('u1', 'new', 4, 3000);
    ratings.replaceBase([['other', 'u1', 2]], 2000);
    expect(ratings.of('u1')).toEqual([
      { movieId: 'other', score: 2 },
      { movieId: 'new', score: 4 },
    ]);
  });
});
