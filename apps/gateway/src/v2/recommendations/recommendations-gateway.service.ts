import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@app/common';
import {
  BuildSummary,
  FeedStatus,
  MOVIE_PATTERNS,
  RebuildState,
  RECOMMENDATION_PATTERNS,
  RecommendationsDto,
  ScoredMovie,
} from '@app/contracts';
import { ServiceClient } from '@app/resilience';
import { InjectService } from '../../clients/service-clients.module';

const POLL_MS = 100;
const REBUILD_WAIT_MS = 10 * 60_000;

@Injectable()
export class RecommendationsGatewayService {
  constructor(
    @InjectService('recommendation') private readonly recommendation: ServiceClient,
    @InjectService('movie') private readonly movie: ServiceClient,
  ) {}

  /** Recommendations from the recommendation service, or popular picks from the movie service when it cannot answer. */
  forUser(userId: string, limit: number, token: string, requestId?: string): Promise<RecommendationsDto> {
    return this.recommendation.send<RecommendationsDto>(
      RECOMMENDATION_PATTERNS.forUser,
      { userId, limit },
      { requestId, idempotent: true, token, fallback: () => this.popular(userId, limit, token, requestId) },
    );
  }

  /** Starts a build and answers once it has finished: short status calls, never one long-held RPC. */
  async rebuild(token: string, repair: boolean, requestId?: string): Promise<BuildSummary> {
    const started = await this.recommendation.send<RebuildState>(RECOMMENDATION_PATTERNS.rebuildStart, { repair }, { requestId, token });
    const deadline = Date.now() + REBUILD_WAIT_MS;
    let state = started;
    while (state.running) {
      if (Date.now() > deadline) throw new AppError(504, ErrorCode.UPSTREAM_TIMEOUT, 'The recommendation build is still running');
      await sleep(POLL_MS);
      state = await this.recommendation.send<RebuildState>(
        RECOMMENDATION_PATTERNS.rebuildStatus,
        { buildId: started.buildId },
        { requestId, idempotent: true, token },
      );
    }
    if (!state.result) throw new AppError(500, ErrorCode.INTERNAL, `The recommendation build failed: ${state.error ?? 'unknown error'}`);
    return state.result;
  }

  feedStatus(token: string, requestId?: string): Promise<FeedStatus> {
    return this.recommendation.send<FeedStatus>(RECOMMENDATION_PATTERNS.feedStatus, {}, { requestId, idempotent: true, token });
  }

  private async popular(userId: string, limit: number, token: string, requestId?: string): Promise<RecommendationsDto> {
    const rated = await this.movie.send<{ movieId: string }[]>(
      MOVIE_PATTERNS.ratingsOfUser,
      { userId },
      { requestId, idempotent: true, token },
    );
    const picks = await this.movie.send<ScoredMovie[]>(
      MOVIE_PATTERNS.popular,
      { limit, exclude: rated.map((r) => r.movieId) },
      { requestId, idempotent: true },
    );
    return {
      items: picks.map((p) => ({ movie: p.movie, score: Math.round(p.score * 10000) / 10000, reason: 'popular' })),
      strategy: 'fallback-popular',
      generatedAt: new Date().toISOString(),
    };
  }
}
