import { AppError } from '@app/common';
import type { ChangeFeedService } from '../changes/change-feed.service';
import type { GenresService } from '../genres/genres.service';
import { MovieLifecycle } from './movie-lifecycle.service';
import type { MovieEntity } from './movie.entity';
import type { MoviesRepository } from './movies.repository';
import { MoviesService } from './movies.service';

let next = 0;
const movie = (name: string, ratingSum = 0, ratingCount = 0): MovieEntity => ({
  id: (++next).toString(16).padStart(24, '0'),
  name,
  url: '',
  coverImage: '',
  description: '',
  genres: [],
  year: null,
  ratingSum,
  ratingCount,
  createdAt: new Date(2026, 0, next),
  updatedAt: new Date(2026, 0, next),
});

/** The service's rules with its repository and neighbours mocked; the database is covered by the e2e suites. */
describe('MoviesService', () => {
  let repo: Record<string, jest.Mock>;
  let genres: { assertExist: jest.Mock };
  let record: jest.Mock;
  let lifecycle: MovieLifecycle;
  let service: MoviesService;

  beforeEach(() => {
    repo = {
      create: jest.fn(async (m: Partial<MovieEntity>) => ({ ...movie(m.name!), ...m })),
      update: jest.fn(async () => null),
      delete: jest.fn(async () => false),
      rated: jest.fn(async () => []),
      newestUnrated: jest.fn(async () => []),
    };
    genres = { assertExist: jest.fn(async () => undefined) };
    record = jest.fn(async () => undefined);
    lifecycle = new MovieLifecycle();
    service = new MoviesService(repo as unknown as MoviesRepository, genres as unknown as GenresService, lifecycle, {
      record,
    } as unknown as ChangeFeedService);
  });

  it('creates a movie with its genres once each, after checking they exist, and records the change', async () => {
    const created = await service.create({ name: 'Alien', genres: ['Horror', 'Sci-Fi', 'Horror'] });
    expect(genres.assertExist).toHaveBeenCalledWith(['Horror', 'Sci-Fi', 'Horror']);
    expect(repo.create).toHaveBeenCalledWith(expect.objectContaining({ genres: ['Horror', 'Sci-Fi'] }));
    expect(record).toHaveBeenCalledWith('movie.created', created.id);
    expect(created).toEqual(expect.objectContaining({ name: 'Alien', averageRating: 0, ratingCount: 0 }));
  });

  it('refuses an unknown genre before writing anything', async () => {
    genres.assertExist.mockRejectedValue(AppError.badRequest('Unknown genre: Nope'));
    await expect(service.create({ name: 'X', genres: ['Nope'] })).rejects.toMatchObject({ status: 400 });
    expect(repo.create).not.toHaveBeenCalled();
    expect(record).not.toHaveBeenCalled();
  });

  it('answers 404 for an edit or a deletion of a movie that is not there, and runs no hook', async () => {
    const hook = jest.fn(async () => undefined);
    lifecycle.whenDeleted(hook);
    lifecycle.whenChanged(hook);
    await expect(service.update('a'.repeat(24), { name: 'Y' })).rejects.toMatchObject({ status: 404 });
    await expect(service.remove('a'.repeat(24))).rejects.toMatchObject({ status: 404 });
    expect(hook).not.toHaveBeenCalled();
    expect(record).not.toHaveBeenCalled();
  });

  it('removes what belongs to a deleted movie before its deletion is announced', async () => {
    const order: string[] = [];
    repo.delete.mockResolvedValue(true);
    lifecycle.whenDeleted(async () => void order.push('ratings removed'));
    record.mockImplementation(async (type: string) => void order.push(type));
    await service.remove('a'.repeat(24));
    expect(order).toEqual(['ratings removed', 'movie.deleted']);
  });

  it('ranks popular picks by Bayesian average, leaves out excluded ones and fills up with the newest unrated', async () => {
    const many = movie('Many 4.5', 450, 100);
    const one = movie('One 5', 5, 1);
    const poor = movie('Poor', 200, 100);
    const fresh = movie('Fresh');
    repo.rated.mockResolvedValue([one, poor, many]);
    repo.newestUnrated.mockResolvedValue([fresh]);
    const picks = await service.popular(4, [poor.id]);
    expect(picks.map((p) => p.movie.name)).toEqual(['Many 4.5', 'One 5', 'Fresh']);
    expect(picks[2].score).toBe(0);
  });
});
