import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { traceBuffer, tracingOn } from '@app/observability';
import { Roles } from '../../auth/auth.decorator';
import { SlowTracesDto } from './dto/traces.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v2/admin/traces')
export class AdminTracesController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @ApiOperation({
    operationId: 'listSlowTraces',
    summary: 'Recent slow requests with their spans',
    description:
      "From this gateway instance's memory: requests that took at least `slowMs`, newest first, each with the spans this " +
      'process recorded (in one process: every service; split: the gateway and its calls). The whole traces go to the ' +
      'OTLP collector when one is configured. Never cached.',
  })
  @ApiOkResponse({ type: SlowTracesDto })
  @ApiErrors(401, 403)
  @Get()
  @Header('Cache-Control', 'no-store')
  traces(): SlowTracesDto {
    const buffer = traceBuffer();
    return { enabled: tracingOn(), slowMs: buffer?.slowMs ?? this.config.tracing.slowMs, traces: buffer?.recent() ?? [] };
  }
}
