import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQuery, ParseObjectIdPipe } from '@app/common';
import {
  CachedRead,
  CreateMovieDto,
  MOVIE_PATTERNS,
  MovieDto,
  MovieQueryDto,
  RateMovieDto,
  RatingDto,
  UpdateMovieDto,
} from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { BearerToken, Public, Roles } from '../../auth/auth.decorators';
import { CatalogRead, IfNoneMatch } from '../../http-cache/http-cache';

@ApiTags('movies')
@Controller('api/v2/movies')
export class MoviesController {
  constructor(private readonly registry: ServiceRegistry) {}

  private get movies() {
    return this.registry.client('movie');
  }

  @ApiOperation({ summary: 'Search and page movies (genre, title substring, year, sort)' })
  @Public()
  @CatalogRead()
  @Get()
  list(@Query() query: MovieQueryDto, @IfNoneMatch() ifNoneMatch?: string[]): Promise<CachedRead> {
    return this.movies.send(MOVIE_PATTERNS.list, query, { idempotent: true, ifNoneMatch });
  }

  @ApiOperation({ summary: 'One movie' })
  @Public()
  @CatalogRead()
  @Get(':id')
  get(@Param('id', ParseObjectIdPipe) id: string, @IfNoneMatch() ifNoneMatch?: string[]): Promise<CachedRead> {
    return this.movies.send(MOVIE_PATTERNS.get, { id }, { idempotent: true, ifNoneMatch });
  }

  @ApiOperation({ summary: 'Add a movie (admin)' })
  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  create(@Body() body: CreateMovieDto, @BearerToken() token: string): Promise<MovieDto> {
    return this.movies.send(MOVIE_PATTERNS.create, body, { token });
  }

  @ApiOperation({ summary: 'Change a movie (admin)' })
  @ApiBearerAuth()
  @Roles('admin')
  @Patch(':id')
  update(@Param('id', ParseObjectIdPipe) id: string, @Body() patch: UpdateMovieDto, @BearerToken() token: string): Promise<MovieDto> {
    return this.movies.send(MOVIE_PATTERNS.update, { id, patch }, { token });
  }

  @ApiOperation({ summary: 'Delete a movie and its ratings (admin)' })
  @ApiBearerAuth()
  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token: string): Promise<void> {
    await this.movies.send(MOVIE_PATTERNS.remove, { id }, { token });
  }

  @ApiOperation({ summary: "Set the caller's rating of the movie (create or replace)" })
  @ApiBearerAuth()
  @Put(':id/rating')
  rate(@Param('id', ParseObjectIdPipe) movieId: string, @Body() rating: RateMovieDto, @BearerToken() token: string): Promise<RatingDto> {
    return this.movies.send<RatingDto>(MOVIE_PATTERNS.rate, { movieId, rating }, { token });
  }

  @ApiOperation({ summary: "Remove the caller's rating of the movie" })
  @ApiBearerAuth()
  @Delete(':id/rating')
  @HttpCode(204)
  async unrate(@Param('id', ParseObjectIdPipe) movieId: string, @BearerToken() token: string): Promise<void> {
    await this.movies.send(MOVIE_PATTERNS.unrate, { movieId }, { token });
  }

  @ApiOperation({ summary: "A movie's ratings, newest first" })
  @Public()
  @CatalogRead()
  @Get(':id/ratings')
  ratings(
    @Param('id', ParseObjectIdPipe) movieId: string,
    @Query() query: PageQuery,
    @IfNoneMatch() ifNoneMatch?: string[],
  ): Promise<CachedRead> {
    return this.movies.send(
      MOVIE_PATTERNS.ratingsOfMovie,
      { movieId, page: query.page, limit: query.limit },
      { idempotent: true, ifNoneMatch },
    );
  }
}
