import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { ErrorCode } from '@app/common';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Terminus' map of indicator name (gateway, auth, user, movie, recommendation) to its state. */
const indicators = (description: string): ApiPropertyOptions => ({
  type: 'object',
  description,
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
});

/** Terminus' readiness report. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional(indicators('The indicators that are up')) info?: Record<string, unknown>;
  @ApiPropertyOptional(indicators('The indicators that are down')) error?: Record<string, unknown>;
  @ApiProperty(indicators('Every indicator')) details!: Record<string, unknown>;
}

/** Not ready: the usual `{code, message}` next to terminus' report of what is down. */
export class ReadinessFailureDto extends ReadinessDto {
  @ApiProperty({ type: 'integer', example: ErrorCode.SERVICE_UNAVAILABLE }) code!: number;
  @ApiProperty({ example: 'Not ready: movie' }) message!: string;
}
