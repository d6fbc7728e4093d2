import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BODY_ERRORS } from '@app/common';
import { CachedRead, CreateGenreDto, GenreDto, MOVIE_PATTERNS } from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { BearerToken, Public, Roles } from '../../auth/auth.decorator';
import { RequestId } from '../../clients/request-id.decorator';
import { InjectService } from '../../clients/service-clients.module';
import { CatalogRead, IfNoneMatch } from '../../http-cache/http-cache.plugin';

@ApiTags('genres')
@Controller('api/v2/genres')
export class GenresController {
  constructor(@InjectService('movie') private readonly movies: ServiceClient) {}

  @ApiOperation({ operationId: 'listGenres', summary: 'Every genre', description: 'Sorted by name; not paged (there are few).' })
  @ApiOkResponse({ type: [GenreDto] })
  @ApiErrors()
  @Public()
  @CatalogRead()
  @Get()
  list(@IfNoneMatch() ifNoneMatch?: string[], @RequestId() requestId?: string): Promise<CachedRead> {
    return this.movies.send(MOVIE_PATTERNS.genresList, {}, { requestId, idempotent: true, ifNoneMatch });
  }

  @ApiOperation({ operationId: 'createGenre', summary: 'Add a genre (admin)', description: 'A name already taken (in any case) is 409.' })
  @ApiCreatedResponse({ type: GenreDto })
  @ApiErrors(...BODY_ERRORS, 401, 403, 409)
  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  create(@Body() body: CreateGenreDto, @BearerToken() token: string, @RequestId() requestId?: string): Promise<GenreDto> {
    return this.movies.send(MOVIE_PATTERNS.genresCreate, body, { requestId, token });
  }
}
