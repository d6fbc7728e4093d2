import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsMongoId, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MovieDto, RateMovieDto, UpdateMovieDto } from './catalog.dto';

export class IdPayload {
  @IsMongoId()
  id: string;
}

export class UpdateMoviePayload {
  @IsMongoId()
  id: string;

  @ValidateNested()
  @Type(() => UpdateMovieDto)
  patch: UpdateMovieDto;
}

export class RatePayload {
  @IsMongoId()
  movieId: string;

  @ValidateNested()
  @Type(() => RateMovieDto)
  rating: RateMovieDto;
}

export class MovieIdPayload {
  @IsMongoId()
  movieId: string;
}

export class UserRatingsPayload {
  @IsMongoId()
  userId: string;
}

/**
 * Every rating, for batch jobs. Without `after`, the movie service reads one cursor in natural
 * order and answers `session` until it is done (one scan: FerretDB sorts in memory, so sorted
 * pages cost a full scan each); pass `session` back for the next page. A session lives on one
 * instance; elsewhere it is unknown (409) and the caller pages by `_id` instead (`after`, `next`).
 */
export class ExportRatingsPayload {
  @IsOptional()
  @IsMongoId()
  after?: string;

  @IsOptional()
  @IsUUID()
  session?: string;

  /** Page by `_id` (index-backed on MongoDB) instead of a cursor session. */
  @IsOptional()
  @IsBoolean()
  sorted?: boolean;

  @IsInt()
  @Min(1)
  @Max(10000)
  limit: number;
}

/** A rating as exported for batch jobs: [movieId, userId, score]. */
export type RatingTuple = [string, string, number];

export interface RatingsExportPage {
  items: RatingTuple[];
  /** Sorted mode: the `after` of the next page, null at the end. */
  next: string | null;
  /** Cursor mode: the session to continue, null at the end. */
  session: string | null;
}

export class MoviesByIdsPayload {
  @IsArray()
  @ArrayMaxSize(1000)
  @IsMongoId({ each: true })
  ids: string[];
}

export class PopularPayload {
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsMongoId({ each: true })
  exclude?: string[];
}

export interface ScoredMovie {
  movie: MovieDto;
  score: number;
}

export interface SeedResult {
  loaded: boolean;
  genres: number;
  movies: number;
  ratings: number;
}

/**
 * The movie service's answer to a catalog read: the JSON body serialised once by the owner of the data,
 * with its strong entity tag. `body` is null when one of the caller's `meta.ifNoneMatch` tags matched,
 * so a revalidation carries no payload across the transport.
 */
export interface CachedRead {
  etag: string;
  body: string | null;
}
