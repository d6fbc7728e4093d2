import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { FeedPage, ReadChangesPayload, SecurityEvent, SESSION_PATTERNS } from '@app/contracts';
import { SecurityEventsService } from './security-events.service';

@Controller()
export class SecurityEventsHandler {
  constructor(private readonly events: SecurityEventsService) {}

  /** Read by the auth service with its service token. */
  @UseGuards(RpcAuthGuard)
  @RpcRoles('service')
  @MessagePattern(SESSION_PATTERNS.securityEvents)
  read(@Payload('data') dto: ReadChangesPayload): Promise<FeedPage<SecurityEvent>> {
    return this.events.read(dto.after, dto.limit);
  }
}
