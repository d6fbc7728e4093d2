import { Injectable } from '@nestjs/common';
import { AppError, Page } from '@app/common';
import { CreateMovieDto, MovieDto, MovieQueryDto, MovieV1Dto, rankByPopularity, ScoredMovie, UpdateMovieDto } from '@app/contracts';
import { GenresService } from '../genres/genres.service';
import { ChangeFeedService } from '../changes/change-feed.service';
import { MovieLifecycle } from './movie-lifecycle.service';
import { toMovieDto, toMovieV1Dto } from './movie.mapper';
import { MoviesRepository } from './movies.repository';

@Injectable()
export class MoviesService {
  constructor(
    private readonly movies: MoviesRepository,
    private readonly genres: GenresService,
    private readonly lifecycle: MovieLifecycle,
    private readonly feed: ChangeFeedService,
  ) {}

  async list(query: MovieQueryDto): Promise<Page<MovieDto>> {
    const { items, total } = await this.movies.page(query);
    return { items: items.map(toMovieDto), total, page: query.page, limit: query.limit };
  }

  async listV1(): Promise<MovieV1Dto[]> {
    return (await this.movies.allV1()).map(toMovieV1Dto);
  }

  async get(id: string): Promise<MovieDto> {
    const movie = await this.movies.findById(id);
    if (!movie) throw AppError.notFound('Movie not found');
    return toMovieDto(movie);
  }

  async create(dto: CreateMovieDto): Promise<MovieDto> {
    await this.genres.assertExist(dto.genres);
    const created = await this.movies.create({ ...dto, genres: dto.genres ? [...new Set(dto.genres)] : [] });
    await this.feed.record('movie.created', created.id);
    return toMovieDto(created);
  }

  async update(id: string, patch: UpdateMovieDto): Promise<MovieDto> {
    await this.genres.assertExist(patch.genres);
    const updated = await this.movies.update(id, patch.genres ? { ...patch, genres: [...new Set(patch.genres)] } : patch);
    if (!updated) throw AppError.notFound('Movie not found');
    await this.feed.record('movie.changed', id);
    // FerretDB rewrites the whole document on update: a rating refresh racing this edit may have been undone.
    this.lifecycle.changed(id);
    return toMovieDto(updated);
  }

  /** Deleting a movie removes what belongs to it (its ratings) before the change is announced. */
  async remove(id: string): Promise<void> {
    if (!(await this.movies.delete(id))) throw AppError.notFound('Movie not found');
    await this.lifecycle.deleted(id);
    await this.feed.record('movie.deleted', id);
  }

  async byIds(ids: string[]): Promise<MovieDto[]> {
    if (!ids.length) return [];
    return (await this.movies.findByIds(ids)).map(toMovieDto);
  }

  /** Popular picks by Bayesian average; the newest unrated movies fill a short list. */
  async popular(limit: number, exclude: string[] = []): Promise<ScoredMovie[]> {
    const skip = new Set(exclude);
    const rated = await this.movies.rated();
    const ranked = rankByPopularity(rated, (m) => ({ sum: m.ratingSum, count: m.ratingCount })).filter((r) => !skip.has(r.item.id));
    const picks: ScoredMovie[] = ranked.slice(0, limit).map((r) => ({ movie: toMovieDto(r.item), score: r.score }));
    if (picks.length < limit) {
      const fill = await this.movies.newestUnrated(limit - picks.length + skip.size);
      for (const m of fill) {
        if (picks.length >= limit) break;
        if (!skip.has(m.id)) picks.push({ movie: toMovieDto(m), score: 0 });
      }
    }
    return picks;
  }
}
