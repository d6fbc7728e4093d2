import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ServiceRegistry } from '@app/resilience';
import { Roles } from '../../auth/auth.decorators';
import { ServicesStatusDto } from './dto/services-status.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v2/admin/services')
export class AdminServicesController {
  constructor(private readonly registry: ServiceRegistry) {}

  @ApiOperation({ summary: "Every downstream service's instances with their breaker state and call counts, as this gateway sees them" })
  @ApiOkResponse({ type: ServicesStatusDto })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid token' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  @Get()
  // Live counters: a cached copy would hide the state an operator is looking for.
  @Header('Cache-Control', 'no-store')
  services(): ServicesStatusDto {
    return { services: this.registry.status() };
  }
}
