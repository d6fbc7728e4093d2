import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppError } from '@app/common';
import type { BuildSummary, RebuildState, RecommendationItem, RecommendationsDto } from '@app/contracts';
import { buildItemCf, CfModel, recommend } from '../engine/item-cf';
import { ModelRepository } from './model.repository';
import { MovieCatalogClient } from './movie-catalog.client';
import { MovieCache } from './movie-cache';
import { UserRatings } from './user-ratings';

/** Spare candidates, in case some movies were deleted since the build. */
const SPARE = 5;
const MOVIE_CACHE_TTL_MS = 60_000;
const MOVIE_CACHE_SIZE = 20_000;
const KEEP_STATES = 50;
const STARTUP_BUILD_DELAY_MS = 2000;

@Injectable()
export class RecommendationsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Recommendations');
  private model: CfModel | null = null;
  /** Filled by the first build after start-up; until then requests wait for it. */
  private userRatingsReady = false;
  private readonly userRatings = new UserRatings();
  private readonly movies = new MovieCache(MOVIE_CACHE_TTL_MS, MOVIE_CACHE_SIZE);
  private builtAt: Date | null = null;
  private nextBuildId = 1;
  private running: { id: number; done: Promise<void> } | null = null;
  /** A rebuild asked for while one runs: it starts when that one ends, so it sees every rating given before the ask. */
  private queued: number | null = null;
  private readonly states = new Map<number, RebuildState>();
  private timer?: NodeJS.Timeout;
  private startupTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalog: MovieCatalogClient,
    private readonly store: ModelRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stored = await this.store.latest().catch((err: Error) => {
      this.logger.warn(`Could not load the stored model: ${err.message}`);
      return null;
    });
    if (stored) {
      this.model = stored.model;
      this.builtAt = stored.builtAt;
    }
    // The stored model has no per-user ratings: a build soon after start-up (once the movie service listens) brings them in.
    this.startupTimer = setTimeout(
      () => (this.model === null || !this.userRatingsReady ? this.startRebuild() : undefined),
      STARTUP_BUILD_DELAY_MS,
    );
    this.startupTimer.unref();
    const everySec = this.config.recommendation.rebuildIntervalSec;
    if (everySec > 0) {
      this.timer = setInterval(() => this.startRebuild(), everySec * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearTimeout(this.startupTimer);
  }

  /** Starts a build (or joins the one already queued) and returns its id at once. */
  startRebuild(): RebuildState {
    if (this.running) {
      if (this.queued === null) {
        this.queued = this.nextBuildId++;
        this.states.set(this.queued, { buildId: this.queued, running: true, result: null, error: null });
      }
      return this.states.get(this.queued)!;
    }
    const id = this.nextBuildId++;
    const state: RebuildState = { buildId: id, running: true, result: null, error: null };
    this.states.set(id, state);
    this.run(id);
    return state;
  }

  status(buildId: number): RebuildState {
    const state = this.states.get(buildId);
    if (!state) throw AppError.notFound('No such build');
    return state;
  }

  async forUser(userId: string, limit: number): Promise<RecommendationsDto> {
    const model = await this.currentModel();
    const rated = this.userRatings.of(userId);
    const ranked = recommend(model, rated, limit + SPARE);
    const movies = await this.movies.get(
      ranked.map((r) => r.movieId),
      (missing) => this.catalog.moviesByIds(missing),
    );
    const items: RecommendationItem[] = [];
    for (const r of ranked) {
      const movie = movies.get(r.movieId);
      if (movie && items.length < limit) items.push({ movie, score: r.score, reason: r.reason });
    }
    return {
      items,
      strategy: items.some((i) => i.reason === 'similar') ? 'item-cf' : 'popular',
      generatedAt: new Date().toISOString(),
    };
  }

  noteRating(userId: string, movieId: string, score: number | null): void {
    this.userRatings.note(userId, movieId, score);
  }

  /** The model in use; requests right after start-up wait for the first build. */
  private async currentModel(): Promise<CfModel> {
    if (this.model && this.userRatingsReady) return this.model;
    const state = this.startRebuild();
    while (this.states.get(state.buildId)?.running) await (this.running?.done ?? Promise.resolve());
    if (!this.model) throw AppError.unavailable('Recommendations are not built yet', 5);
    return this.model;
  }

  private run(id: number): void {
    const done = this.build()
      .then((result) => this.states.set(id, { buildId: id, running: false, result, error: null }))
      .catch((err: Error) => {
        this.logger.error(`Build ${id} failed: ${err.message}`);
        this.states.set(id, { buildId: id, running: false, result: null, error: err.message });
      })
      .then(() => {
        this.running = null;
        this.forgetOldStates();
        if (this.queued !== null) {
          const next = this.queued;
          this.queued = null;
          this.run(next);
        }
      });
    this.running = { id, done };
  }

  private async build(): Promise<BuildSummary> {
    const started = Date.now();
    const ratings = await this.catalog.allRatings();
    const model = buildItemCf(ratings, this.config.recommendation.neighbours);
    this.userRatings.replaceBase(ratings, started);
    this.userRatingsReady = true;
    const builtAt = new Date();
    const ms = Date.now() - started;
    await this.store.save(`${builtAt.getTime()}-${process.pid}`, model, builtAt, ms);
    this.model = model;
    this.builtAt = builtAt;
    const summary = {
      builtAt: builtAt.toISOString(),
      users: model.users,
      movies: model.movies,
      ratings: model.ratings,
      ms: Date.now() - started,
    };
    this.logger.log(`Model built: ${summary.users} users, ${summary.movies} movies, ${summary.ratings} ratings in ${summary.ms} ms`);
    return summary;
  }

  private forgetOldStates(): void {
    for (const id of this.states.keys()) if (this.states.size > KEEP_STATES && !this.states.get(id)!.running) this.states.delete(id);
  }
}
