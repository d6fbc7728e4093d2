import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { FeedPage, ReadChangesPayload, RevocationEvent, SESSION_PATTERNS } from '@app/contracts';
import { readRevocations } from './revocations.service';
import { RevocationsRepository } from './revocations.repository';

@Controller()
export class RevocationsHandler {
  constructor(private readonly revocations: RevocationsRepository) {}

  /** Read by every verifier (gateway and services) with its service token. */
  @UseGuards(RpcAuthGuard)
  @RpcRoles('service')
  @MessagePattern(SESSION_PATTERNS.revocations)
  read(@Payload('data') dto: ReadChangesPayload): Promise<FeedPage<RevocationEvent>> {
    return readRevocations(this.revocations, dto.after, dto.limit);
  }
}
