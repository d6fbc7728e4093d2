import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { Page } from '@app/common';
import {
  CreateMovieDto,
  CreateMovieV1Dto,
  IdPayload,
  MOVIE_PATTERNS,
  MovieDto,
  MovieQueryDto,
  MoviesByIdsPayload,
  MovieV1Dto,
  PopularPayload,
  ScoredMovie,
  UpdateMoviePayload,
} from '@app/contracts';
import { CachedCatalogRead, ChangesCatalog } from '../catalog-cache/catalog-cache.interceptor';
import { MoviesService } from './movies.service';

@Controller()
export class MoviesHandler {
  constructor(private readonly movies: MoviesService) {}

  @CachedCatalogRead()
  @MessagePattern(MOVIE_PATTERNS.list)
  list(@Payload('data') query: MovieQueryDto): Promise<Page<MovieDto>> {
    return this.movies.list(query);
  }

  @CachedCatalogRead()
  @MessagePattern(MOVIE_PATTERNS.listAll)
  listAll(): Promise<MovieV1Dto[]> {
    return this.movies.listV1();
  }

  @CachedCatalogRead()
  @MessagePattern(MOVIE_PATTERNS.get)
  get(@Payload('data') dto: IdPayload): Promise<MovieDto> {
    return this.movies.get(dto.id);
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.create)
  create(@Payload('data') dto: CreateMovieDto): Promise<MovieDto> {
    return this.movies.create(dto);
  }

  /** The original API let any signed-in user add a movie. */
  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin', 'user')
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.createV1)
  createV1(@Payload('data') dto: CreateMovieV1Dto): Promise<MovieDto> {
    return this.movies.create({ name: dto.name, url: dto.url, coverImage: dto.coverImage, description: dto.description });
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.update)
  update(@Payload('data') dto: UpdateMoviePayload): Promise<MovieDto> {
    return this.movies.update(dto.id, dto.patch);
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.remove)
  async remove(@Payload('data') dto: IdPayload): Promise<{ removed: true }> {
    await this.movies.remove(dto.id);
    return { removed: true };
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
