import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiObjectIdParam, BODY_ERRORS, PageQuery, ParseObjectIdPipe } from '@app/common';
import {
  CachedRead,
  CreateMovieDto,
  MOVIE_PATTERNS,
  MovieDto,
  MoviePageDto,
  MovieQueryDto,
  RateMovieDto,
  RatingDto,
  RatingPageDto,
  UpdateMovieDto,
} from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { BearerToken, Public, Roles } from '../../auth/auth.decorator';
import { RequestId } from '../../clients/request-id.decorator';
import { InjectService } from '../../clients/service-clients.module';
import { CatalogRead, IfNoneMatch } from '../../http-cache/http-cache.plugin';

@ApiTags('movies')
@Controller('api/v2/movies')
export class MoviesController {
  constructor(@InjectService('movie') private readonly movies: ServiceClient) {}

  @ApiOperation({
    operationId: 'listMovies',
    summary: 'Search and page movies (genre, title substring, year, sort)',
    description: 'Filters combine; without `sort`, newest first.',
  })
  @ApiOkResponse({ type: MoviePageDto })
  @ApiErrors(400)
  @Public()
  @CatalogRead()
  @Get()
  list(@Query() query: MovieQueryDto, @IfNoneMatch() ifNoneMatch?: string[], @RequestId() requestId?: string): Promise<CachedRead> {
    return this.movies.send(MOVIE_PATTERNS.list, query, { requestId, idempotent: true, ifNoneMatch });
  }

  @ApiOperation({ operationId: 'getMovie', summary: 'One movie', description: 'A movie with its genres and rating summary.' })
  @ApiOkResponse({ type: MovieDto })
  @ApiErrors(400, 404)
  @Public()
  @CatalogRead()
  @ApiObjectIdParam()
  @Get(':id')
  get(@Param('id', ParseObjectIdPipe) id: string, @IfNoneMatch() ifNoneMatch?: string[], @RequestId() requestId?: string): Promise<CachedRead> {
    return this.movies.send(MOVIE_PATTERNS.get, { id }, { requestId, idempotent: true, ifNoneMatch });
  }

  @ApiOperation({
    operationId: 'createMovie',
    summary: 'Add a movie (admin)',
    description: 'Genres are stored by name; repeats are dropped.',
  })
  @ApiCreatedResponse({ type: MovieDto })
  @ApiErrors(...BODY_ERRORS, 401, 403)
  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  create(@Body() body: CreateMovieDto, @BearerToken() token: string, @RequestId() requestId?: string): Promise<MovieDto> {
    return this.movies.send(MOVIE_PATTERNS.create, body, { requestId, token });
  }

  @ApiOperation({ operationId: 'updateMovie', summary: 'Change a movie (admin)', description: 'Only the fields given change.' })
  @ApiOkResponse({ type: MovieDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404)
  @ApiBearerAuth()
  @Roles('admin')
  @ApiObjectIdParam()
  @Patch(':id')
  update(@Param('id', ParseObjectIdPipe) id: string, @Body() patch: UpdateMovieDto, @BearerToken() token: string, @RequestId() requestId?: string): Promise<MovieDto> {
    return this.movies.send(MOVIE_PATTERNS.update, { id, patch }, { requestId, token });
  }

  @ApiOperation({ operationId: 'deleteMovie', summary: 'Delete a movie and its ratings (admin)', description: 'The ratings go with it.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404)
  @ApiBearerAuth()
  @Roles('admin')
  @ApiObjectIdParam()
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseObjectIdPipe) id: string, @BearerToken() token: string, @RequestId() requestId?: string): Promise<void> {
    await this.movies.send(MOVIE_PATTERNS.remove, { id }, { requestId, token });
  }

  @ApiOperation({
    operationId: 'rateMovie',
    summary: "Set the caller's rating of the movie (create or replace)",
    description: 'The movie aggregates and the recommendations follow it.',
  })
  @ApiOkResponse({ type: RatingDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404)
  @ApiBearerAuth()
  @ApiObjectIdParam()
  @Put(':id/rating')
  rate(@Param('id', ParseObjectIdPipe) movieId: string, @Body() rating: RateMovieDto, @BearerToken() token: string, @RequestId() requestId?: string): Promise<RatingDto> {
    return this.movies.send<RatingDto>(MOVIE_PATTERNS.rate, { movieId, rating }, { requestId, token, affinity: movieId });
  }

  @ApiOperation({ operationId: 'unrateMovie', summary: "Remove the caller's rating of the movie", description: 'Idempotent.' })
  @ApiNoContentResponse({ description: 'Removed (or there was none)' })
  @ApiErrors(...BODY_ERRORS, 401, 403, 404)
  @ApiBearerAuth()
  @ApiObjectIdParam()
  @Delete(':id/rating')
  @HttpCode(204)
  async unrate(@Param('id', ParseObjectIdPipe) movieId: string, @BearerToken() token: string, @RequestId() requestId?: string): Promise<void> {
    await this.movies.send(MOVIE_PATTERNS.unrate, { movieId }, { requestId, token, affinity: movieId });
  }

  @ApiOperation({ operationId: 'listMovieRatings', summary: "A movie's ratings, newest first", description: 'Paged like every list.' })
  @ApiOkResponse({ type: RatingPageDto })
  @ApiErrors(400, 404)
  @Public()
  @CatalogRead()
  @ApiObjectIdParam()
  @Get(':id/ratings')
  ratings(
    @Param('id', ParseObjectIdPipe) movieId: string,
    @Query() query: PageQuery,
    @IfNoneMatch() ifNoneMatch?: string[],
    @RequestId() requestId?: string,
  ): Promise<CachedRead> {
    return this.movies.send(
      MOVIE_PATTERNS.ratingsOfMovie,
      { movieId, page: query.page, limit: query.limit },
      { requestId, idempotent: true, ifNoneMatch },
    );
  }
}
