import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval, SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Principal } from '@app/auth';
import { AppError } from '@app/common';
import { EventBus, Subscription } from '@app/events';
import { ChangeEvent, type BuildSummary, type RebuildState, type RecommendationItem, type RecommendationsDto } from '@app/contracts';
import { buildItemCf, CfModel, recommend } from '../engine/item-cf.util';
import { ModelRepository } from './model.repository';
import { MovieCatalogClient } from './movie-catalog.client';
import { MovieCache } from './movie-cache.service';
import { RatingsSnapshotRepository } from './ratings-snapshot.repository';
import { UserRatings } from './user-ratings.service';

/** Spare candidates, in case some movies were deleted since the build. */
const SPARE = 5;
const MOVIE_CACHE_TTL_MS = 60_000;
const MOVIE_CACHE_SIZE = 20_000;
const KEEP_STATES = 50;
/**
 * How often the ratings copy is saved when events changed it. Events are acknowledged only once a saved copy holds
 * them: a restart (or kill -9) resumes from the saved position, and the durable consumer from the acknowledged one.
 */
const SNAPSHOT_EVERY_MS = 10_000;
/** Unacknowledged events come again after this: well past SNAPSHOT_EVERY_MS, so only a failing save causes it. */
const ACK_WAIT_MS = 60_000;
/** Start-up waits this long at most for the events published before it, before it answers from what it has. */
const CATCH_UP_MS = 5000;
/** How long a request right after start-up waits for the ratings copy before answering 503 (the gateway falls back). */
const STARTUP_WAIT_MS = 1500;
const RETRY_MS = 1000;
/** Similarities follow the ratings copy this often while it changes (a build from the copy costs no rating export). */
const MODEL_REFRESH_MS = 60_000;
const FULL_REBUILD_JOB = 'recommendations.full-rebuild';

@Injectable()
export class RecommendationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Recommendations');
  private model: CfModel | null = null;
  /** Every rating, kept current from the movie service's `changes` stream. */
  private readonly ratings = new UserRatings();
  private ratingsReady = false;
  private subscription?: Subscription;
  /** The stream's epoch and the newest position applied to the copy (what a saved copy is current to). */
  private epoch = '';
  private applied = 0;
  private started: Promise<void> = Promise.resolve();
  private readonly movies = new MovieCache(MOVIE_CACHE_TTL_MS, MOVIE_CACHE_SIZE);
  private eventsApplied = 0;
  private snapshotDirty = false;
  private modelStale = false;
  private snapshotting: Promise<void> | null = null;
  /** Storing builds (for a restart's warm start) runs behind, one at a time; requests never wait for it. */
  private storing: Promise<void> = Promise.resolve();
  /** The newest build not stored yet: a build made while another is being stored replaces it. */
  private unstored: { model: CfModel; builtAt: Date; ms: number } | null = null;
  private closing = false;
  /** Who waits for the copy to reach a stream position (start-up, a rebuild): told by the event handler. */
  private readonly catchUps = new Set<{ position: number; done: () => void }>();
  private nextBuildId = 1;
  private running: { id: number; done: Promise<void> } | null = null;
  /** A rebuild asked for while one runs: it starts when that one ends, so it sees every rating given before the ask. */
  private queued: { id: number; repair: boolean } | null = null;
  private readonly states = new Map<number, RebuildState>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalog: MovieCatalogClient,
    private readonly store: ModelRepository,
    private readonly snapshots: RatingsSnapshotRepository,
    private readonly scheduler: SchedulerRegistry,
    private readonly bus: EventBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const warn = (what: string) => (err: Error) => {
      this.logger.warn(`Could not load the stored ${what}: ${err.message}`);
      return null;
    };
    const [stored, snapshot] = await Promise.all([
      this.store.latest().catch(warn('model')),
      this.snapshots.latest().catch(warn('ratings')),
    ]);
    if (stored) this.model = stored.model;
    if (snapshot) {
      this.ratings.replace(snapshot.ratings);
      this.ratingsReady = true;
      this.logger.log(`Ratings copy loaded: ${snapshot.ratings.length} ratings, current to stream position ${snapshot.position ?? 'none'}`);
    }
    this.started = this.catchUp(snapshot?.position ?? null);
    const everySec = this.config.recommendation.rebuildIntervalSec;
    if (everySec > 0) this.scheduler.addInterval(FULL_REBUILD_JOB, setInterval(() => this.startRebuild(), everySec * 1000).unref());
  }

  @Interval(SNAPSHOT_EVERY_MS)
  saveSnapshotPeriodically(): Promise<void> {
    return this.saveSnapshotIfDirty();
  }

  @Interval(MODEL_REFRESH_MS)
  rebuildIfStale(): void {
    if (this.modelStale && !this.running && !this.closing) this.startRebuild();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const waiter of this.catchUps) waiter.done();
    if (this.scheduler.doesExist('interval', FULL_REBUILD_JOB)) this.scheduler.deleteInterval(FULL_REBUILD_JOB);
    // Saved (and acknowledged) first: the consumer stopped after it has nothing left to deliver again.
    await Promise.all([this.saveSnapshotIfDirty(), this.storing]);
    await this.subscription?.stop();
  }

  /** Starts a build (or joins the one already queued) and returns its id at once; `repair` re-reads every rating first. */
  startRebuild(repair = false): RebuildState {
    if (this.running) {
      if (this.queued === null) {
        this.queued = { id: this.nextBuildId++, repair };
        this.states.set(this.queued.id, { buildId: this.queued.id, running: true, result: null, error: null });
      } else this.queued.repair ||= repair;
      return this.states.get(this.queued.id)!;
    }
    const id = this.nextBuildId++;
    const state: RebuildState = { buildId: id, running: true, result: null, error: null };
    this.states.set(id, state);
    this.run(id, repair);
    return state;
  }

  status(buildId: number): RebuildState {
    const state = this.states.get(buildId);
    if (!state) throw AppError.notFound('No such build');
    return state;
  }

  /** Users see their own recommendations; admins anyone's. */
  async forUser(userId: string, limit: number, actor: Principal): Promise<RecommendationsDto> {
    if (actor.role !== 'admin' && actor.id !== userId) throw AppError.forbidden();
    const model = await this.currentModel();
    const rated = this.ratings.of(userId);
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

  /** How many change events this instance applied since it started (for operators and tests). */
  feedStatus(): { position: string | null; eventsApplied: number; ratings: number } {
    return { position: this.applied ? String(this.applied) : null, eventsApplied: this.eventsApplied, ratings: this.ratings.size };
  }

  /** The model in use; requests right after start-up wait a moment for the ratings copy and the first model. */
  private async currentModel(): Promise<CfModel> {
    if (this.model && this.ratingsReady) return this.model;
    await Promise.race([this.started, sleep(STARTUP_WAIT_MS)]);
    if (!this.model || !this.ratingsReady) throw AppError.unavailable('Recommendations are not built yet', 5);
    return this.model;
  }

  /**
   * From the saved copy when its position is still in the stream, else from a full export (repair); then follows the
   * stream with this instance's durable consumer, and builds a model if none is stored.
   */
  private async catchUp(saved: string | null): Promise<void> {
    while (!this.closing) {
      try {
        await this.follow(saved);
        break;
      } catch (err) {
        this.logger.warn(`Following the movie service's changes failed: ${(err as Error).message}`);
        await sleep(RETRY_MS);
      }
    }
    if (this.closing) return;
    this.ratingsReady = true;
    if (!this.model) {
      const state = this.startRebuild();
      while (this.states.get(state.buildId)?.running) await (this.running?.done ?? sleep(50));
    }
  }

  private async follow(saved: string | null): Promise<void> {
    const state = await this.bus.state('changes');
    const [epoch, seq] = saved?.split('/') ?? [];
    const position = Number(seq);
    this.epoch = state.epoch;
    if (epoch === state.epoch && Number.isInteger(position) && position + 1 >= state.first) {
      this.applied = position;
    } else {
      // Saved under another stream (an in-memory one of an earlier process), too long ago, or never: every rating
      // again. Events from before the export that come after it set what the export already has.
      this.applied = state.last;
      await this.repair();
    }
    await this.subscription?.stop();
    this.subscription = await this.bus.follow<ChangeEvent>(
      'changes',
      { durable: consumerName(this.config), exclusive: true, from: this.applied + 1, ack: 'manual', ackWaitMs: ACK_WAIT_MS },
      (event) => {
        if (event.seq > this.applied) {
          this.apply(event.data);
          this.applied = event.seq;
          for (const waiter of this.catchUps) if (waiter.position <= this.applied) waiter.done();
        }
      },
    );
    await this.appliedUpTo(state.last, CATCH_UP_MS);
  }

  /** Events are absolute states (the new score, or gone), in stream order: applying one again changes nothing. */
  private apply(e: ChangeEvent): void {
    switch (e.type) {
      case 'rating.inserted':
      case 'rating.changed':
        if (e.userId && e.score !== undefined) this.ratings.set(e.userId, e.movieId, e.score);
        break;
      case 'rating.deleted':
        if (e.userId) this.ratings.delete(e.userId, e.movieId);
        break;
      case 'movie.deleted':
        this.ratings.deleteMovie(e.movieId);
        this.movies.forget(e.movieId);
        break;
      case 'movie.changed':
        this.movies.forget(e.movieId);
        break;
      default:
        break;
    }
    this.eventsApplied++;
    this.snapshotDirty = true;
    this.modelStale = true;
  }

  /** Every rating again from the movie service; events published from then on are applied over it. */
  private async repair(): Promise<void> {
    const started = Date.now();
    const { last } = await this.bus.state('changes');
    this.ratings.replace(await this.catalog.allRatings());
    this.applied = Math.max(this.applied, last);
    this.ratingsReady = true;
    this.logger.log(`Ratings copy repaired from the movie service: ${this.ratings.size} ratings in ${Date.now() - started} ms`);
    await this.saveSnapshot();
  }

  private saveSnapshotIfDirty(): Promise<void> {
    if (!this.snapshotDirty || !this.epoch) return this.snapshotting ?? Promise.resolve();
    return this.saveSnapshot();
  }

  /**
   * The copy and the position are taken together (synchronously), so the saved position matches the saved ratings;
   * once saved, the events up to it are acknowledged.
   */
  private saveSnapshot(): Promise<void> {
    const previous = this.snapshotting ?? Promise.resolve();
    const ratings = this.ratings.tuples();
    const applied = this.applied;
    this.snapshotDirty = false;
    const id = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const save = previous
      .then(() => this.snapshots.save(id, ratings, `${this.epoch}/${applied}`))
      .then(() => this.subscription?.ack(applied))
      .catch((err: Error) => {
        this.snapshotDirty = true;
        // A database's refusal may quote the document: the first line is enough, the ratings stay out of the log.
        this.logger.warn(`Saving the ratings copy failed: ${err.message.slice(0, 200)}`);
      })
      .finally(() => {
        if (this.snapshotting === save) this.snapshotting = null;
      });
    this.snapshotting = save;
    return save;
  }

  private run(id: number, repair: boolean): void {
    const done = this.build(repair)
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
          this.run(next.id, next.repair);
        }
      });
    this.running = { id, done };
  }

  /** Resolves once every event up to `position` is applied, after `timeoutMs` at the latest, or at shutdown. */
  private appliedUpTo(position: number, timeoutMs: number): Promise<void> {
    if (this.applied >= position || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        position,
        done: () => {
          clearTimeout(timer);
          this.catchUps.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, timeoutMs);
      this.catchUps.add(waiter);
    });
  }

  /** From the service's own ratings copy, after reading the feed up to now: no rating export on the way. */
  private async build(repair: boolean): Promise<BuildSummary> {
    const started = Date.now();
    if (repair) await this.repair();
    // Without a repair the copy is current once it has applied every event the stream held when the build began
    // (they arrive within moments; a rebuild asked right after a rating must include it). Bounded: a consumer that
    // is behind for longer builds on what it has, as the periodic refresh would.
    else {
      const last = await this.bus.state('changes').then(
        (state) => state.last,
        () => 0,
      );
      await this.appliedUpTo(last, CATCH_UP_MS);
    }
    this.modelStale = false;
    const model = buildItemCf(this.ratings.tuples(), this.config.recommendation.neighbours);
    const builtAt = new Date();
    this.model = model;
    this.storeInBackground(model, builtAt, Date.now() - started);
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

  /**
   * The stored build only serves a restart (answers from it at once instead of waiting for a rebuild): the model
   * answers from memory as soon as it is built, and storing it (2,000 documents for 2,000 movies) runs behind,
   * one store at a time, always of the newest build. A failed store is logged; the previous stored build stays.
   */
  private storeInBackground(model: CfModel, builtAt: Date, ms: number): void {
    this.unstored = { model, builtAt, ms };
    this.storing = this.storing.then(() => this.storeNewest());
  }

  private async storeNewest(): Promise<void> {
    const build = this.unstored;
    if (!build) return;
    this.unstored = null;
    const id = `${build.builtAt.getTime()}-${process.pid}`;
    try {
      const t0 = Date.now();
      await this.store.save(id, build.model, build.builtAt, build.ms);
      this.logger.log(`Model ${id} stored in ${Date.now() - t0} ms`);
    } catch (err) {
      this.logger.warn(`Storing model ${id} failed: ${(err as Error).message}`);
    }
  }

  private forgetOldStates(): void {
    for (const id of this.states.keys()) if (this.states.size > KEEP_STATES && !this.states.get(id)!.running) this.states.delete(id);
  }
}

/** One durable consumer per instance (each keeps a whole copy): stable across restarts of the same instance. */
function consumerName(config: AppConfig): string {
  const own = config.services.recommendation;
  return `recommendation-${hostname()}-${own.port}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
