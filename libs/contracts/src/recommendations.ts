import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import type { MovieDto } from './catalog';

/** Message patterns of the recommendation service. */
export const RECOMMENDATION_PATTERNS = {
  forUser: 'recommendation.for-user',
  rebuildStart: 'recommendation.rebuild.start',
  rebuildStatus: 'recommendation.rebuild.status',
  feedStatus: 'recommendation.feed.status',
} as const;

export type RecommendationReason = 'similar' | 'popular';
export type RecommendationStrategy = 'item-cf' | 'popular' | 'fallback-popular';

export interface RecommendationItem {
  movie: MovieDto;
  score: number;
  reason: RecommendationReason;
}

export interface RecommendationsDto {
  items: RecommendationItem[];
  strategy: RecommendationStrategy;
  generatedAt: string;
}

export class RecommendationLimitQuery {
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

export interface BuildSummary {
  builtAt: string;
  users: number;
  movies: number;
  ratings: number;
  ms: number;
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
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
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
export interface FeedStatus {
  position: string | null;
  /** Events applied since this instance started. */
  eventsApplied: number;
  /** Ratings in the service's own copy. */
  ratings: number;
}
