import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ErrorCode } from '@app/common';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Terminus' map of indicator name (gateway, auth, user, movie, recommendation) to its state. */
const INDICATORS: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

/** Terminus' readiness report. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ ...INDICATORS, description: 'The indicators that are up' }) info?: Record<string, unknown>;
  @ApiPropertyOptional({ ...INDICATORS, description: 'The indicators that are down' }) error?: Record<string, unknown>;
  @ApiProperty({ ...INDICATORS, description: 'Every indicator' }) details!: Record<string, unknown>;
}

/** Not ready: the usual `{code, message}` next to terminus' report of what is down. */
export class ReadinessFailureDto extends ReadinessDto {
  @ApiProperty({ type: 'integer', example: ErrorCode.SERVICE_UNAVAILABLE }) code!: number;
  @ApiProperty({ example: 'Not ready: movie' }) message!: string;
}
