import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, RpcAuthGuard, RpcPrincipal, RpcRoles } from '@app/auth';
import { AppError, assertObjectId, Page } from '@app/common';
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

/** Ratings belong to real users: a service token may read them in bulk but never rate. */
function raterId(principal: Principal): string {
  if (principal.role !== 'admin' && principal.role !== 'user') throw AppError.forbidden('Only users rate movies');
  return assertObjectId(principal.id);
}

@Controller()
export class RatingsHandler {
  constructor(private readonly ratings: RatingsService) {}

  @UseGuards(RpcAuthGuard)
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.rate)
  rate(@Payload('data') dto: RatePayload, @RpcPrincipal() principal: Principal): Promise<RatingDto> {
    return this.ratings.rate(dto.movieId, raterId(principal), dto.rating);
  }

  @UseGuards(RpcAuthGuard)
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.unrate)
  async unrate(@Payload('data') dto: MovieIdPayload, @RpcPrincipal() principal: Principal): Promise<{ removed: true }> {
    await this.ratings.unrate(dto.movieId, raterId(principal));
    return { removed: true };
  }

  @CachedCatalogRead()
  @MessagePattern(MOVIE_PATTERNS.ratingsOfMovie)
  ofMovie(@Payload('data') dto: MovieRatingsQuery): Promise<Page<RatingDto>> {
    return this.ratings.ofMovie(dto.movieId, dto.page, dto.limit);
  }

  /** A user's own ratings, or anyone's for a service or an admin. */
  @UseGuards(RpcAuthGuard)
  @MessagePattern(MOVIE_PATTERNS.ratingsOfUser)
  ofUser(@Payload('data') dto: UserRatingsPayload, @RpcPrincipal() principal: Principal): Promise<{ movieId: string; score: number }[]> {
    if (principal.role !== 'service' && principal.role !== 'admin' && principal.id !== dto.userId) throw AppError.forbidden();
    return this.ratings.ofUser(dto.userId);
  }

  @UseGuards(RpcAuthGuard)
  @RpcRoles('service', 'admin')
  @MessagePattern(MOVIE_PATTERNS.ratingsExport)
  export(@Payload('data') dto: ExportRatingsPayload): Promise<RatingsExportPage> {
    return this.ratings.export(dto);
  }
}
