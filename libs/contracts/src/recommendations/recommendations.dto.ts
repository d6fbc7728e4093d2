import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class RecommendationLimitQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'How many recommendations' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 10;
}

export class BuildSummary {
  @ApiProperty({ format: 'date-time' }) builtAt!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) users!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) movies!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) ratings!: number;
  @ApiProperty({ description: 'How long the build took, in milliseconds', minimum: 0 }) ms!: number;
}

export class RebuildQuery {
  /** `?repair=true`: re-read every rating from the movie service before building. */
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Re-read every rating from the movie service before building' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  repair?: boolean;
}

/** Where the recommendation service is in the movie service's change feed. */
export class FeedStatus {
  @ApiProperty({ type: String, nullable: true, description: 'The last change applied, null before the first' })
  position!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events applied since this instance started' })
  eventsApplied!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: "Ratings in the service's own copy" })
  ratings!: number;
}
