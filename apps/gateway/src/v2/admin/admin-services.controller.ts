import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { ServiceRegistry } from '@app/resilience';
import { Roles } from '../../auth/auth.decorator';
import { ServicesStatusDto } from './dto/services-status.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v2/admin/services')
export class AdminServicesController {
  constructor(private readonly registry: ServiceRegistry) {}

  @ApiOperation({
    operationId: 'listServiceInstances',
    summary: "Every downstream service's instances with their breaker state and call counts",
    description: 'As this gateway instance sees them; never cached.',
  })
  @ApiOkResponse({ type: ServicesStatusDto })
  @ApiErrors(401, 403)
  @Get()
  // Live counters: a cached copy would hide the state an operator is looking for.
  @Header('Cache-Control', 'no-store')
  services(): ServicesStatusDto {
    return { services: this.registry.status() };
  }
}
