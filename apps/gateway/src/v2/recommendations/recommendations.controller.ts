import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/auth';
import { ParseObjectIdPipe } from '@app/common';
import { BuildSummary, FeedStatus, RebuildQuery, RecommendationLimitQuery, RecommendationsDto } from '@app/contracts';
import { BearerToken, CurrentUser, Roles } from '../../auth/auth.decorators';
import { PerUserRead } from '../../http-cache/http-cache';
import { RecommendationsGatewayService } from './recommendations.service';

@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('api/v2/recommendations')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsGatewayService) {}

  @ApiOperation({ summary: "The caller's recommendations (popular picks when the service is down: strategy fallback-popular)" })
  @PerUserRead()
  @Get()
  mine(
    @Query() query: RecommendationLimitQuery,
    @CurrentUser() user: Principal,
    @BearerToken() token: string,
  ): Promise<RecommendationsDto> {
    return this.recommendations.forUser(user.id, query.limit, token);
  }

  @ApiOperation({ summary: "Any user's recommendations (admin)" })
  @Roles('admin')
  @PerUserRead()
  @Get('users/:id')
  forUser(
    @Param('id', ParseObjectIdPipe) id: string,
    @Query() query: RecommendationLimitQuery,
    @BearerToken() token: string,
  ): Promise<RecommendationsDto> {
    return this.recommendations.forUser(id, query.limit, token);
  }

  @ApiOperation({
    summary:
      "Rebuild the model now (admin) from the service's ratings copy, or with repair=true from every rating re-read from the movie service; answers when the build has finished",
  })
  @Roles('admin')
  @Post('rebuild')
  @HttpCode(200)
  rebuild(@Query() query: RebuildQuery, @BearerToken() token: string): Promise<BuildSummary> {
    return this.recommendations.rebuild(token, query.repair === true);
  }

  @ApiOperation({ summary: "Where the recommendation service is in the movie service's change feed (admin)" })
  @Roles('admin')
  @Get('feed')
  feed(@BearerToken() token: string): Promise<FeedStatus> {
    return this.recommendations.feedStatus(token);
  }
}
