import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsMongoId,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageOf, PageQuery } from '@app/common';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? (value as unknown[]).map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

const MOVIE_SORT_FIELDS = ['name', 'year', 'averageRating', 'createdAt'] as const;
const MOVIE_SORTS = MOVIE_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

export class MovieDto {
  @ApiProperty({ example: '665f1c2ab3e4d5f6a7b8c9d0' }) id!: string;
  @ApiProperty({ example: 'Blade Runner' }) name!: string;
  @ApiProperty({ description: 'Where to watch it (may be empty)' }) url!: string;
  @ApiProperty({ description: 'Cover image URL (may be empty)' }) coverImage!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], example: ['Sci-Fi'] }) genres!: string[];
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1870, maximum: 2100, example: 1982 }) year!: number | null;
  @ApiProperty({ description: 'Mean score (1-5), 0 when unrated', minimum: 0, maximum: 5, example: 4.2 }) averageRating!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) ratingCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The original Go service's movie body. */
export class MovieV1Dto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() url!: string;
  @ApiProperty() coverImage!: string;
  @ApiProperty() description!: string;
}

export class GenreDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Drama' }) name!: string;
  @ApiProperty() description!: string;
}

export class RatingDto {
  @ApiProperty() movieId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) score!: number;
  @ApiProperty({ description: 'May be empty' }) comment!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class MoviePageDto extends PageOf(MovieDto) {}

export class RatingPageDto extends PageOf(RatingDto) {}

export class MovieQueryDto extends PageQuery {
  @ApiPropertyOptional({ maxLength: 50, description: 'Genre name, exact' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  genre?: string;

  /** Case-insensitive substring of the title (taken literally, never as a pattern). */
  @ApiPropertyOptional({ maxLength: 200, description: 'Case-insensitive substring of the title' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1870, maximum: 2100, description: 'Release year' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1870)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ enum: MOVIE_SORTS, description: 'Sort field; a leading "-" sorts descending. Default: newest first' })
  @IsOptional()
  @IsIn(MOVIE_SORTS)
  sort?: string;
}

export class CreateMovieDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Blade Runner' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  coverImage?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: 'Genre names (each 1-50 characters)' })
  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  genres?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1870, maximum: 2100 })
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
  @ApiPropertyOptional({ description: 'Sent by old clients; ignored' })
  @IsOptional()
  @IsString()
  id?: string;
}

export class CreateGenreDto {
  @ApiProperty({ minLength: 1, maxLength: 50, pattern: '^[^$.]', example: 'Drama' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(/^[^$.]/, { message: 'name must not start with $ or .' })
  name: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class RateMovieDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  score: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class MovieRatingsQuery extends PageQuery {
  @IsMongoId()
  movieId: string;
}
