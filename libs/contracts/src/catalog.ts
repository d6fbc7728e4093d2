import { PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsMongoId,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '@app/common';

/** Message patterns of the movie service (movies, genres, ratings). */
export const MOVIE_PATTERNS = {
  list: 'movie.movies.list',
  listAll: 'movie.movies.list-all',
  get: 'movie.movies.get',
  create: 'movie.movies.create',
  createV1: 'movie.movies.create-v1',
  update: 'movie.movies.update',
  remove: 'movie.movies.remove',
  byIds: 'movie.movies.by-ids',
  popular: 'movie.movies.popular',
  genresList: 'movie.genres.list',
  genresCreate: 'movie.genres.create',
  rate: 'movie.ratings.upsert',
  unrate: 'movie.ratings.remove',
  ratingsOfMovie: 'movie.ratings.of-movie',
  ratingsOfUser: 'movie.ratings.of-user',
  ratingsExport: 'movie.ratings.export',
  seedDemo: 'movie.demo.seed',
  changes: 'movie.changes.read',
} as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

export const MOVIE_SORT_FIELDS = ['name', 'year', 'averageRating', 'createdAt'] as const;
export const MOVIE_SORTS = MOVIE_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

export interface MovieDto {
  id: string;
  name: string;
  url: string;
  coverImage: string;
  description: string;
  genres: string[];
  year: number | null;
  averageRating: number;
  ratingCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The original Go service's movie body. */
export interface MovieV1Dto {
  id: string;
  name: string;
  url: string;
  coverImage: string;
  description: string;
}

export interface GenreDto {
  id: string;
  name: string;
  description: string;
}

export interface RatingDto {
  movieId: string;
  userId: string;
  score: number;
  comment: string;
  createdAt: string;
  updatedAt: string;
}

export class MovieQueryDto extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(50)
  genre?: string;

  /** Case-insensitive substring of the title (taken literally, never as a pattern). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1870)
  @Max(2100)
  year?: number;

  @IsOptional()
  @IsIn(MOVIE_SORTS)
  sort?: string;
}

export class CreateMovieDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  coverImage?: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  genres?: string[];

  @IsOptional()
  @IsInt()
  @Min(1870)
  @Max(2100)
  year?: number;
}

/** Every field of a new movie, each optional (PartialType keeps the validation rules). */
export class UpdateMovieDto extends PartialType(CreateMovieDto) {}

/** v1 `POST /api/v1/movies` body: the four original string fields (an `id` from old clients is ignored). */
export class CreateMovieV1Dto extends PickType(CreateMovieDto, ['name', 'url', 'coverImage', 'description'] as const) {
  @IsOptional()
  @IsString()
  id?: string;
}

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

export class CreateGenreDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(/^[^$.]/, { message: 'name must not start with $ or .' })
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class RateMovieDto {
  @IsInt()
  @Min(1)
  @Max(5)
  score: number;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
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

export class MovieRatingsQuery extends PageQuery {
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
 * Bayesian average: the movie's mean pulled towards the global mean by `priorWeight` virtual
 * ratings, so that one 5-star rating does not outrank a hundred 4.5s.
 */
export function bayesianAverage(sum: number, count: number, globalMean: number, priorWeight: number): number {
  return (priorWeight * globalMean + sum) / (priorWeight + count);
}
