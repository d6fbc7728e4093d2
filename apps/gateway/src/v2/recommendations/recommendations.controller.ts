import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/auth';
import { ApiErrors, ApiObjectIdParam, BODY_ERRORS, ParseObjectIdPipe } from '@app/common';
import { BuildSummary, FeedStatus, RebuildQuery, RecommendationLimitQuery, RecommendationsDto } from '@app/contracts';
import { BearerToken, CurrentUser, Roles } from '../../auth/auth.decorator';
import { RequestId } from '../../clients/request-id.decorator';
import { PerUserRead } from '../../http-cache/http-cache.plugin';
import { RecommendationsGatewayService } from './recommendations-gateway.service';

@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('api/v2/recommendations')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsGatewayService) {}

  @PerUserRead()
  @ApiOperation({
    operationId: 'getMyRecommendations',
    summary: "The caller's recommendations",
    description: 'Movies the caller has not rated; popular picks (strategy fallback-popular) when the recommendation service is down.',
  })
  @ApiOkResponse({ type: RecommendationsDto })
  @ApiErrors(400, 401)
  @Get()
  mine(
    @Query() query: RecommendationLimitQuery,
    @CurrentUser() user: Principal,
    @BearerToken() token: string,
    @RequestId() requestId?: string,
  ): Promise<RecommendationsDto> {
    return this.recommendations.forUser(user.id, query.limit, token, requestId);
  }

  @ApiOperation({
    operationId: 'getUserRecommendations',
    summary: "Any user's recommendations (admin)",
    description: 'As the user would see them.',
  })
  @ApiOkResponse({ type: RecommendationsDto })
  @ApiErrors(400, 401, 403)
  @Roles('admin')
  @PerUserRead()
  @ApiObjectIdParam()
  @Get('users/:id')
  forUser(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: RecommendationLimitQuery,
    @BearerToken() token: string,
    @RequestId() requestId?: string,
  ): Promise<RecommendationsDto> {
    return this.recommendations.forUser(id, query.limit, token, requestId);
  }

  @ApiOperation({
    operationId: 'rebuildRecommendations',
    summary: 'Rebuild the model now (admin)',
    description:
      "From the service's ratings copy, or with repair=true from every rating re-read from the movie service; answers when the build has finished, with what it read.",
  })
  @ApiOkResponse({ type: BuildSummary })
  @ApiErrors(...BODY_ERRORS, 400, 401, 403, 504)
  @Roles('admin')
  @Post('rebuild')
  @HttpCode(200)
  rebuild(@Query() query: RebuildQuery, @BearerToken() token: string, @RequestId() requestId?: string): Promise<BuildSummary> {
    return this.recommendations.rebuild(token, query.repair === true, requestId);
  }

  @ApiOperation({
    operationId: 'getRecommendationFeedStatus',
    summary: "Where the recommendation service is in the movie service's change feed (admin)",
    description: 'Its position, the events applied since start, and the ratings in its own copy.',
  })
  @ApiOkResponse({ type: FeedStatus })
  @ApiErrors(401, 403)
  @Roles('admin')
  @Get('feed')
  feed(@BearerToken() token: string, @RequestId() requestId?: string): Promise<FeedStatus> {
    return this.recommendations.feedStatus(token, requestId);
  }
}
