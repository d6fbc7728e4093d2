import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { CreateGenreDto, GenreDto, MOVIE_PATTERNS } from '@app/contracts';
import { CachedCatalogRead, ChangesCatalog } from '../catalog-cache/catalog-cache.interceptor';
import { GenresService } from './genres.service';

@Controller()
export class GenresHandler {
  constructor(private readonly genres: GenresService) {}

  @CachedCatalogRead()
  @MessagePattern(MOVIE_PATTERNS.genresList)
  list(): Promise<GenreDto[]> {
    return this.genres.list();
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.genresCreate)
  create(@Payload('data') dto: CreateGenreDto): Promise<GenreDto> {
    return this.genres.create(dto);
  }
}
