import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BODY_ERRORS } from '@app/common';
import { CachedRead, CreateMovieV1Dto, MOVIE_PATTERNS, MovieV1Dto } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { BearerToken, Public } from '../auth/auth.decorator';
import { RequestId } from '../clients/request-id.decorator';
import { InjectService } from '../clients/service-clients.module';
import { CatalogRead, IfNoneMatch } from '../http-cache/http-cache.plugin';
import { V1MessageDto } from './users/v1-users.dto';

/** The original movie service's routes, kept as they were for existing clients. */
@ApiTags('v1 (deprecated)')
@Controller('api/v1/movies')
export class MoviesV1Controller {
  constructor(@InjectService('movie') private readonly movies: ServiceClient) {}

  @ApiOperation({ operationId: 'v1ListMovies', summary: 'Every movie (original contract)', description: 'Unpaged.', deprecated: true })
  @ApiOkResponse({ type: [MovieV1Dto] })
  @ApiErrors()
  @Public()
  @CatalogRead()
  @Get('list')
  list(@IfNoneMatch() ifNoneMatch?: string[], @RequestId() requestId?: string): Promise<CachedRead> {
    return this.movies.send(MOVIE_PATTERNS.listAll, {}, { requestId, idempotent: true, ifNoneMatch });
  }

  @ApiOperation({
    operationId: 'v1CreateMovie',
    summary: 'Add a movie (original contract)',
    description: 'Any signed-in user.',
    deprecated: true,
  })
  @ApiOkResponse({ type: V1MessageDto })
  @ApiErrors(...BODY_ERRORS, 401)
  @ApiBearerAuth()
  @Post()
  @HttpCode(200)
  async create(@Body() body: CreateMovieV1Dto, @BearerToken() token: string, @RequestId() requestId?: string): Promise<{ message: string }> {
    const { name, url, coverImage, description } = body;
    await this.movies.send(MOVIE_PATTERNS.createV1, { name, url, coverImage, description }, { requestId, token });
    return { message: 'Successfully' };
  }
}
