import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, RpcAuthGuard, RpcPrincipal, RpcRoles } from '@app/auth';
import {
  CachedRead,
  ExportRatingsPayload,
  MOVIE_PATTERNS,
  MovieIdPayload,
  MovieRatingsQuery,
  RatePayload,
  RatingDto,
  RatingsExportPage,
  RpcMeta,
  UserRatingsPayload,
} from '@app/contracts';
import { CatalogAnswers } from '../catalog-cache/catalog-answers.service';
import { RatingsService } from './ratings.service';

@Controller()
export class RatingsHandler {
  constructor(
    private readonly ratings: RatingsService,
    private readonly answers: CatalogAnswers,
  ) {}

  @UseGuards(RpcAuthGuard)
  @MessagePattern(MOVIE_PATTERNS.rate)
  rate(@Payload('data') dto: RatePayload, @RpcPrincipal() actor: Principal): Promise<RatingDto> {
    return this.answers.write(() => this.ratings.rate(dto.movieId, dto.rating, actor));
  }

  @UseGuards(RpcAuthGuard)
  @MessagePattern(MOVIE_PATTERNS.unrate)
  unrate(@Payload('data') dto: MovieIdPayload, @RpcPrincipal() actor: Principal): Promise<{ removed: true }> {
    return this.answers.write(async () => {
      await this.ratings.unrate(dto.movieId, actor);
      return { removed: true as const };
    });
  }

  /** A `Page<RatingDto>`, as CachedRead. */
  @MessagePattern(MOVIE_PATTERNS.ratingsOfMovie)
  ofMovie(@Payload('data') dto: MovieRatingsQuery, @Payload('meta') meta?: RpcMeta): Promise<CachedRead> {
    return this.answers.read(MOVIE_PATTERNS.ratingsOfMovie, dto, meta, () => this.ratings.ofMovie(dto.movieId, dto.page, dto.limit));
  }

  @UseGuards(RpcAuthGuard)
  @MessagePattern(MOVIE_PATTERNS.ratingsOfUser)
  ofUser(@Payload('data') dto: UserRatingsPayload, @RpcPrincipal() actor: Principal): Promise<{ movieId: string; score: number }[]> {
    return this.ratings.ofUser(dto.userId, actor);
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('service', 'admin')
  @MessagePattern(MOVIE_PATTERNS.ratingsExport)
  export(@Payload('data') dto: ExportRatingsPayload): Promise<RatingsExportPage> {
    return this.ratings.export(dto);
  }
}
