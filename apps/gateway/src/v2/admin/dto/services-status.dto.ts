import { ApiProperty } from '@nestjs/swagger';

export class CallCountsDto {
  @ApiProperty() success!: number;
  @ApiProperty({ description: 'Transport failures and server faults (5xx)' }) failure!: number;
  @ApiProperty() timeout!: number;
  @ApiProperty({ description: 'Turned away without a try because the breaker was open (or the bulkhead full)' }) rejected!: number;
}

export class InstanceStatusDto {
  @ApiProperty({ example: 'movie-1' }) id!: string;
  @ApiProperty({ example: '127.0.0.1' }) host!: string;
  @ApiProperty({ example: 8809 }) port!: number;
  @ApiProperty({ example: 3 }) weight!: number;
  @ApiProperty({ enum: ['closed', 'open', 'half-open', 'isolated'] }) state!: string;
  @ApiProperty() inFlight!: number;
  @ApiProperty({ type: CallCountsDto }) calls!: CallCountsDto;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastStateChange!: string | null;
  @ApiProperty({ enum: ['static', 'nats', 'dns'], description: 'Where this gateway learnt of the instance' }) source!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { service: 'movie', instance: 'movie@host:1234:8809', host: '127.0.0.1', port: '8809', weight: '3', version: '1.0.0' },
    description: 'What the registry says about the instance',
  })
  metadata!: Record<string, string>;
  @ApiProperty({ format: 'date-time', description: 'When the registry last listed the instance (static: since this gateway started)' })
  lastSeen!: string;
}

export class RegistryStateDto {
  @ApiProperty({ enum: ['static', 'nats', 'dns'] }) source!: string;
  @ApiProperty({ description: 'False while the registry does not answer: the instances listed are the last known ones' })
  reachable!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastAnswer!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class ServiceStatusDto {
  @ApiProperty({ example: 'movie' }) name!: string;
  @ApiProperty({ enum: ['tcp', 'nats'] }) transport!: string;
  @ApiProperty({ type: RegistryStateDto }) registry!: RegistryStateDto;
  @ApiProperty({ type: [InstanceStatusDto] }) instances!: InstanceStatusDto[];
}

export class ServicesStatusDto {
  @ApiProperty({ type: [ServiceStatusDto] }) services!: ServiceStatusDto[];
}
