import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { CachedRead, CreateGenreDto, GenreDto, MOVIE_PATTERNS, RpcMeta } from '@app/contracts';
import { CatalogAnswers } from '../catalog-cache/catalog-answers.service';
import { GenresService } from './genres.service';

@Controller()
export class GenresHandler {
  constructor(
    private readonly genres: GenresService,
    private readonly answers: CatalogAnswers,
  ) {}

  /** `GenreDto[]`, as CachedRead. */
  @MessagePattern(MOVIE_PATTERNS.genresList)
  list(@Payload('meta') meta?: RpcMeta): Promise<CachedRead> {
    return this.answers.read(MOVIE_PATTERNS.genresList, null, meta, () => this.genres.list());
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @MessagePattern(MOVIE_PATTERNS.genresCreate)
  create(@Payload('data') dto: CreateGenreDto): Promise<GenreDto> {
    return this.answers.write(() => this.genres.create(dto));
  }
}
