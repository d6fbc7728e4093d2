import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import { MovieDto } from './catalog';

/** Message patterns of the recommendation service. */
export const RECOMMENDATION_PATTERNS = {
  forUser: 'recommendation.for-user',
  rebuildStart: 'recommendation.rebuild.start',
  rebuildStatus: 'recommendation.rebuild.status',
  noteRating: 'recommendation.note-rating',
} as const;

export type RecommendationReason = 'similar' | 'popular';
export type RecommendationStrategy = 'item-cf' | 'popular' | 'fallback-popular';

export const RECOMMENDATION_REASONS: RecommendationReason[] = ['similar', 'popular'];
export const RECOMMENDATION_STRATEGIES: RecommendationStrategy[] = ['item-cf', 'popular', 'fallback-popular'];

export class RecommendationItem {
  @ApiProperty({ type: () => MovieDto }) movie!: MovieDto;
  @ApiProperty({ description: 'Higher is a better match' }) score!: number;
  @ApiProperty({ enum: RECOMMENDATION_REASONS, description: 'similar: like movies the user rated well; popular: well rated by everyone' })
  reason!: RecommendationReason;
}

export class RecommendationsDto {
  @ApiProperty({ type: () => [RecommendationItem] }) items!: RecommendationItem[];
  @ApiProperty({
    enum: RECOMMENDATION_STRATEGIES,
    description:
      'item-cf: from similar ratings; popular: the user has too few ratings; fallback-popular: the recommendation service was unavailable',
  })
  strategy!: RecommendationStrategy;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
}

export class RecommendationLimitQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'How many recommendations' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 10;
}

export class RecommendationsPayload {
  @IsMongoId()
  userId: string;

  @IsInt()
  @Min(1)
  @Max(100)
  limit: number;
}

export class BuildSummary {
  @ApiProperty({ format: 'date-time' }) builtAt!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) users!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) movies!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) ratings!: number;
  @ApiProperty({ description: 'How long the build took, in milliseconds', minimum: 0 }) ms!: number;
}

export interface RebuildState {
  buildId: number;
  running: boolean;
  /** The finished build this id refers to, once done. */
  result: BuildSummary | null;
  error: string | null;
}

export class RebuildStatusPayload {
  @IsInt()
  @Min(1)
  buildId: number;
}

/** A rating the user set (score) or removed (no score), reported so recommendations exclude it at once. */
export class NoteRatingPayload {
  @IsMongoId()
  userId: string;

  @IsMongoId()
  movieId: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  score?: number;
}
