import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { ChangesPage, MOVIE_PATTERNS, ReadChangesPayload } from '@app/contracts';
import { ChangeFeedService } from './change-feed.service';

@Controller()
export class ChangesHandler {
  constructor(private readonly feed: ChangeFeedService) {}

  /** Who rated what is not public: services and admins only. */
  @UseGuards(RpcAuthGuard)
  @RpcRoles('service', 'admin')
  @MessagePattern(MOVIE_PATTERNS.changes)
  read(@Payload('data') dto: ReadChangesPayload): Promise<ChangesPage> {
    return this.feed.read(dto.after, dto.limit);
  }
}
