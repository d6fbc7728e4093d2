import { Controller, Inject, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RevocationFollower, RevocationListService, RpcAuthGuard, RpcRoles } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FeedPage, positionAt, ReadChangesPayload, RevocationEvent, SESSION_PATTERNS } from '@app/contracts';
import { readRevocations } from './revocations.service';
import { RevocationsRepository } from './revocations.repository';

@Controller()
export class RevocationsHandler {
  constructor(
    private readonly revocations: RevocationsRepository,
    private readonly list: RevocationListService,
    private readonly follower: RevocationFollower,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Read by every verifier (gateway and services) with its service token, many times a second: answered from this
   * instance's own copy while that is current (it reads the database every sessions.pollMs), else from the database.
   */
  @UseGuards(RpcAuthGuard)
  @RpcRoles('service')
  @MessagePattern(SESSION_PATTERNS.revocations)
  read(@Payload('data') dto: ReadChangesPayload): Promise<FeedPage<RevocationEvent>> {
    if (Date.now() - this.follower.lastReadAt > 5 * this.config.sessions.pollMs)
      return readRevocations(this.revocations, dto.after, dto.limit);
    return Promise.resolve({ events: this.list.after(dto.after, dto.limit), horizon: positionAt(0) });
  }
}
