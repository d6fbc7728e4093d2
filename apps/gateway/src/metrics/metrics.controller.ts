import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Roles } from '../auth/auth.decorator';
import { metricsRegistry } from '@app/observability';

/** Route names, breaker states and the Node version are not for everyone: admins here, or the scrape port (METRICS_PORT). */
@ApiExcludeController()
@Roles('admin')
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  /** Prometheus text format. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
