import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import {
  CachedRead,
  CreateMovieDto,
  CreateMovieV1Dto,
  IdPayload,
  MOVIE_PATTERNS,
  MovieDto,
  MovieQueryDto,
  MoviesByIdsPayload,
  PopularPayload,
  RpcMeta,
  ScoredMovie,
  UpdateMoviePayload,
} from '@app/contracts';
import { CatalogAnswers } from '../catalog-cache/catalog-answers.service';
import { MoviesService } from './movies.service';

@Controller()
export class MoviesHandler {
  constructor(
    private readonly movies: MoviesService,
    private readonly answers: CatalogAnswers,
  ) {}

  /** A `Page<MovieDto>`, as CachedRead. */
  @MessagePattern(MOVIE_PATTERNS.list)
  list(@Payload('data') query: MovieQueryDto, @Payload('meta') meta?: RpcMeta): Promise<CachedRead> {
    return this.answers.read(MOVIE_PATTERNS.list, query, meta, () => this.movies.list(query));
  }

  /** `MovieV1Dto[]`, as CachedRead. */
  @MessagePattern(MOVIE_PATTERNS.listAll)
  listAll(@Payload('meta') meta?: RpcMeta): Promise<CachedRead> {
    return this.answers.read(MOVIE_PATTERNS.listAll, null, meta, () => this.movies.listV1());
  }

  /** A `MovieDto`, as CachedRead. */
  @MessagePattern(MOVIE_PATTERNS.get)
  get(@Payload('data') dto: IdPayload, @Payload('meta') meta?: RpcMeta): Promise<CachedRead> {
    return this.answers.read(MOVIE_PATTERNS.get, dto, meta, () => this.movies.get(dto.id));
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @MessagePattern(MOVIE_PATTERNS.create)
  create(@Payload('data') dto: CreateMovieDto): Promise<MovieDto> {
    return this.answers.write(() => this.movies.create(dto));
  }

  /** The original API let any signed-in user add a movie. */
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin', 'user')
  @MessagePattern(MOVIE_PATTERNS.createV1)
  createV1(@Payload('data') dto: CreateMovieV1Dto): Promise<MovieDto> {
    return this.answers.write(() => this.movies.create({ name: dto.name, url: dto.url, coverImage: dto.coverImage, description: dto.description }));
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @MessagePattern(MOVIE_PATTERNS.update)
  update(@Payload('data') dto: UpdateMoviePayload): Promise<MovieDto> {
    return this.answers.write(() => this.movies.update(dto.id, dto.patch));
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @MessagePattern(MOVIE_PATTERNS.remove)
  remove(@Payload('data') dto: IdPayload): Promise<{ removed: true }> {
    return this.answers.write(async () => {
      await this.movies.remove(dto.id);
      return { removed: true as const };
    });
  }

  @MessagePattern(MOVIE_PATTERNS.byIds)
  byIds(@Payload('data') dto: MoviesByIdsPayload): Promise<MovieDto[]> {
    return this.movies.byIds(dto.ids);
  }

  @MessagePattern(MOVIE_PATTERNS.popular)
  popular(@Payload('data') dto: PopularPayload): Promise<ScoredMovie[]> {
    return this.movies.popular(dto.limit, dto.exclude);
  }
}
