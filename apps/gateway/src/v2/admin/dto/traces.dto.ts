import { ApiProperty } from '@nestjs/swagger';

const SCALARS = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };

export class SpanEventDto {
  @ApiProperty({
    example: 'attempt',
    description: 'attempt, refused, retry, fallback, breaker.open (the resilience client), or an exception',
  })
  name!: string;
  @ApiProperty({ description: 'Milliseconds from the start of the request' }) offsetMs!: number;
  @ApiProperty({ type: 'object', additionalProperties: SCALARS, example: { 'resilience.breaker.state': 'closed' } })
  attributes!: Record<string, string | number | boolean>;
}

export class TraceSpanDto {
  @ApiProperty({ example: '5fb397be34d26b51' }) spanId!: string;
  @ApiProperty({ required: false, description: 'The span it is a child of; absent for the request itself' }) parentId?: string;
  @ApiProperty({ example: 'movie catalog.movies.get' }) name!: string;
  @ApiProperty({ enum: ['internal', 'server', 'client', 'producer', 'consumer'] }) kind!: string;
  @ApiProperty({ example: 'gateway', description: 'The process that recorded it (`platform` for npm start)' }) service!: string;
  @ApiProperty({ description: 'Milliseconds from the start of the request' }) offsetMs!: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty() error!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: SCALARS, example: { 'rpc.method': 'catalog.movies.get' } })
  attributes!: Record<string, string | number | boolean>;
  @ApiProperty({ type: [SpanEventDto] }) events!: SpanEventDto[];
}

export class SlowTraceDto {
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }) traceId!: string;
  @ApiProperty({ example: 'GET /api/v2/movies/:id' }) name!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty() error!: boolean;
  @ApiProperty({ type: [TraceSpanDto], description: 'In start order, each after its parent' }) spans!: TraceSpanDto[];
}

export class SlowTracesDto {
  @ApiProperty({ description: 'False while tracing is off (TRACING_ENABLED, OTEL_EXPORTER_OTLP_ENDPOINT): nothing is recorded' })
  enabled!: boolean;
  @ApiProperty({ description: 'Requests that took at least this long are kept (TRACING_SLOW_MS)' }) slowMs!: number;
  @ApiProperty({ type: [SlowTraceDto], description: 'Newest first, as this gateway instance recorded them' }) traces!: SlowTraceDto[];
}
