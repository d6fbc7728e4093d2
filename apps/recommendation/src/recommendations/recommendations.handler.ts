import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, RpcAuthGuard, RpcPrincipal, RpcRoles } from '@app/auth';
import {
  FeedStatus,
  RebuildStartPayload,
  RebuildState,
  RebuildStatusPayload,
  RECOMMENDATION_PATTERNS,
  RecommendationsDto,
  RecommendationsPayload,
} from '@app/contracts';
import { RecommendationsService } from './recommendations.service';

@Controller()
@UseGuards(RpcAuthGuard)
export class RecommendationsHandler {
  constructor(private readonly recommendations: RecommendationsService) {}

  @MessagePattern(RECOMMENDATION_PATTERNS.forUser)
  forUser(@Payload('data') dto: RecommendationsPayload, @RpcPrincipal() actor: Principal): Promise<RecommendationsDto> {
    return this.recommendations.forUser(dto.userId, dto.limit, actor);
  }

  @RpcRoles('admin')
  @MessagePattern(RECOMMENDATION_PATTERNS.rebuildStart)
  rebuildStart(@Payload('data') dto: RebuildStartPayload): RebuildState {
    return this.recommendations.startRebuild(dto.repair ?? false);
  }

  @RpcRoles('admin')
  @MessagePattern(RECOMMENDATION_PATTERNS.rebuildStatus)
  rebuildStatus(@Payload('data') dto: RebuildStatusPayload): RebuildState {
    return this.recommendations.status(dto.buildId);
  }

  @RpcRoles('admin')
  @MessagePattern(RECOMMENDATION_PATTERNS.feedStatus)
  feedStatus(): FeedStatus {
    return this.recommendations.feedStatus();
  }
}
