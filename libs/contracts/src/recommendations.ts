import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import { MovieDto } from './catalog';

/** Message patterns of the recommendation service. */
export const RECOMMENDATION_PATTERNS = {
  forUser: 'recommendation.for-user',
  rebuildStart: 'recommendation.rebuild.start',
  rebuildStatus: 'recommendation.rebuild.status',
  feedStatus: 'recommendation.feed.status',
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

export class RebuildQuery {
  /** `?repair=true`: re-read every rating from the movie service before building. */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Re-read every rating from the movie service before building' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  repair?: boolean;
}

export class RebuildStartPayload {
  /** Re-read every rating from the movie service first (repair), instead of building from the service's own copy. */
  @IsOptional()
  @IsBoolean()
  repair?: boolean;
}

/** Where the recommendation service is in the movie service's change feed. */
export class FeedStatus {
  @ApiProperty({ type: String, nullable: true, description: 'The last change applied, null before the first' })
  position!: string | null;
  /** Events applied since this instance started. */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events applied since this instance started' })
  eventsApplied!: number;
  /** Ratings in the service's own copy. */
  @ApiProperty({ type: 'integer', minimum: 0, description: "Ratings in the service's own copy" })
  ratings!: number;
}
