import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, RpcAuthGuard, RpcPrincipal, RpcRoles } from '@app/auth';
import { Page } from '@app/common';
import {
  ExportRatingsPayload,
  MOVIE_PATTERNS,
  MovieIdPayload,
  MovieRatingsQuery,
  RatePayload,
  RatingDto,
  RatingsExportPage,
  UserRatingsPayload,
} from '@app/contracts';
import { CachedCatalogRead, ChangesCatalog } from '../catalog-cache/catalog-cache.interceptor';
import { RatingsService } from './ratings.service';

@Controller()
export class RatingsHandler {
  constructor(private readonly ratings: RatingsService) {}

  @UseGuards(RpcAuthGuard)
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.rate)
  rate(@Payload('data') dto: RatePayload, @RpcPrincipal() actor: Principal): Promise<RatingDto> {
    return this.ratings.rate(dto.movieId, dto.rating, actor);
  }

  @UseGuards(RpcAuthGuard)
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.unrate)
  async unrate(@Payload('data') dto: MovieIdPayload, @RpcPrincipal() actor: Principal): Promise<{ removed: true }> {
    await this.ratings.unrate(dto.movieId, actor);
    return { removed: true };
  }

  @CachedCatalogRead()
  @MessagePattern(MOVIE_PATTERNS.ratingsOfMovie)
  ofMovie(@Payload('data') dto: MovieRatingsQuery): Promise<Page<RatingDto>> {
    return this.ratings.ofMovie(dto.movieId, dto.page, dto.limit);
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
