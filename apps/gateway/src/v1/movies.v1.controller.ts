import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachedRead, CreateMovieV1Dto, MOVIE_PATTERNS } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { BearerToken, Public } from '../auth/auth.decorators';
import { CatalogRead, IfNoneMatch } from '../http-cache/http-cache';

/** The original movie service's routes, kept as they were for existing clients. */
@ApiTags('v1 (deprecated)')
@Controller('api/v1/movies')
export class MoviesV1Controller {
  constructor(private readonly registry: ServiceRegistry) {}

  @ApiOperation({ summary: 'Every movie (original contract)', deprecated: true })
  @Public()
  @CatalogRead()
  @Get('list')
  list(@IfNoneMatch() ifNoneMatch?: string[]): Promise<CachedRead> {
    return this.registry.client('movie').send(MOVIE_PATTERNS.listAll, {}, { idempotent: true, ifNoneMatch });
  }

  @ApiOperation({ summary: 'Add a movie (any signed-in user, original contract)', deprecated: true })
  @ApiBearerAuth()
  @Post()
  @HttpCode(200)
  async create(@Body() body: CreateMovieV1Dto, @BearerToken() token: string): Promise<{ message: string }> {
    const { name, url, coverImage, description } = body;
    await this.registry.client('movie').send(MOVIE_PATTERNS.createV1, { name, url, coverImage, description }, { token });
    return { message: 'Successfully' };
  }
}
