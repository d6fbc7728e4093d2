import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachedRead, CreateGenreDto, GenreDto, MOVIE_PATTERNS } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { BearerToken, Public, Roles } from '../../auth/auth.decorators';
import { CatalogRead, IfNoneMatch } from '../../http-cache/http-cache';

@ApiTags('genres')
@Controller('api/v2/genres')
export class GenresController {
  constructor(private readonly registry: ServiceRegistry) {}

  @ApiOperation({ summary: 'Every genre' })
  @Public()
  @CatalogRead()
  @Get()
  list(@IfNoneMatch() ifNoneMatch?: string[]): Promise<CachedRead> {
    return this.registry.client('movie').send(MOVIE_PATTERNS.genresList, {}, { idempotent: true, ifNoneMatch });
  }

  @ApiOperation({ summary: 'Add a genre (admin); a duplicate name is 409' })
  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  create(@Body() body: CreateGenreDto, @BearerToken() token: string): Promise<GenreDto> {
    return this.registry.client('movie').send(MOVIE_PATTERNS.genresCreate, body, { token });
  }
}
