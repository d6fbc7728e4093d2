import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import { MovieDto } from '../catalog/catalog.dto';
import {
  RECOMMENDATION_REASONS,
  RECOMMENDATION_STRATEGIES,
  RecommendationReason,
  RecommendationStrategy,
} from './recommendations.constants';
import type { BuildSummary } from './recommendations.dto';

// The reply of `forUser`, which the gateway returns as it is: documented once here. Outside *.dto.ts on purpose:
// the swagger CLI plugin would add its own enum metadata and reorder these schemas in openapi.json.
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

export class RecommendationsPayload {
  @IsMongoId()
  userId: string;

  @IsInt()
  @Min(1)
  @Max(100)
  limit: number;
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

export class RebuildStartPayload {
  /** Re-read every rating from the movie service first (repair), instead of building from the service's own copy. */
  @IsOptional()
  @IsBoolean()
  repair?: boolean;
}
