import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Principal, RpcAuthGuard, RpcPrincipal, RpcRoles } from '@app/auth';
import { AppError } from '@app/common';
import {
  NoteRatingPayload,
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

  /** Users see their own recommendations; admins anyone's. */
  @MessagePattern(RECOMMENDATION_PATTERNS.forUser)
  forUser(@Payload('data') dto: RecommendationsPayload, @RpcPrincipal() principal: Principal): Promise<RecommendationsDto> {
    if (principal.role !== 'admin' && principal.id !== dto.userId) throw AppError.forbidden();
    return this.recommendations.forUser(dto.userId, dto.limit);
  }

  /** Only the rater reports their own rating. */
  @MessagePattern(RECOMMENDATION_PATTERNS.noteRating)
  noteRating(@Payload('data') dto: NoteRatingPayload, @RpcPrincipal() principal: Principal): { noted: true } {
    if (principal.id !== dto.userId) throw AppError.forbidden();
    this.recommendations.noteRating(dto.userId, dto.movieId, dto.score ?? null);
    return { noted: true };
  }

  @RpcRoles('admin')
  @MessagePattern(RECOMMENDATION_PATTERNS.rebuildStart)
  rebuildStart(): RebuildState {
    return this.recommendations.startRebuild();
  }

  @RpcRoles('admin')
  @MessagePattern(RECOMMENDATION_PATTERNS.rebuildStatus)
  rebuildStatus(@Payload('data') dto: RebuildStatusPayload): RebuildState {
    return this.recommendations.status(dto.buildId);
  }
}
