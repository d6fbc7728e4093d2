import { Type } from 'class-transformer';
import { IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import type { MovieDto } from './catalog';

/** Message patterns of the recommendation service. */
export const RECOMMENDATION_PATTERNS = {
  forUser: 'recommendation.for-user',
  rebuildStart: 'recommendation.rebuild.start',
  rebuildStatus: 'recommendation.rebuild.status',
  noteRating: 'recommendation.note-rating',
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
