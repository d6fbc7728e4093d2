import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CatalogChanges } from '../catalog-cache/catalog-changes.service';
import { MoviesRepository } from '../movies/movies.repository';
import { RatingsRepository } from './ratings.repository';

/** Quiet time after a movie's last write before one more recomputation, which settles races between instances. */
export const SETTLE_MS = 200;

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
}

/** What one rating write changed: the sum of scores and the number of ratings. */
interface RatingDelta {
  sum: number;
  count: number;
}

interface MovieState {
  running: boolean;
  /** Callers waiting for an update that starts after their write; null when none waits. */
  next: Waiter | null;
  /** The deltas of the writes that `next` waits for. */
  delta: RatingDelta;
  /** One of them asked for a recomputation from the ratings instead (a repair). */
  full: boolean;
  settleTimer?: NodeJS.Timeout;
}

function waiter(): Waiter {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Keeps a movie's ratingSum/ratingCount/averageRating equal to its ratings without a lock. After a write, the
 * deltas of the writes of the moment are added to the stored aggregate in one `_id` read and one `_id` write: at
 * most one such update per movie runs in this instance and writes that arrive meanwhile share the next, so a
 * burst costs a few updates, never a scan of the ratings per write. Within one instance that is exact (its updates
 * of a movie never overlap); two instances may race on FerretDB (read-modify-write), so a final pass SETTLE_MS
 * after the movie's last write here recomputes the aggregate from the ratings themselves and stores it if it
 * differs, unless a recomputation that read later has stored one (`ratingsReadAt`). docs/services.md, "Rating
 * aggregates".
 */
@Injectable()
export class RatingAggregateRefresher implements OnModuleDestroy {
  private readonly logger = new Logger('RatingAggregates');
  private readonly states = new Map<string, MovieState>();
  private closed = false;

  constructor(
    private readonly ratings: RatingsRepository,
    private readonly movies: MoviesRepository,
    private readonly catalog: CatalogChanges,
  ) {}

  /**
   * Resolves once an update that began after this call has been stored (or has failed and was logged): the
   * write's delta added, or without a delta a recomputation from the ratings.
   */
  refresh(movieId: string, delta?: RatingDelta): Promise<void> {
    let state = this.states.get(movieId);
    if (!state) this.states.set(movieId, (state = { running: false, next: null, delta: { sum: 0, count: 0 }, full: false }));
    state.next ??= waiter();
    if (delta) {
      state.delta.sum += delta.sum;
      state.delta.count += delta.count;
    } else state.full = true;
    const done = state.next.promise;
    if (!state.running) {
      // After this turn of the event loop: the writes stored together (one batch) then share one update.
      state.running = true;
      clearTimeout(state.settleTimer);
      setImmediate(() => void this.drain(movieId, state));
    }
    return done;
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const state of this.states.values()) clearTimeout(state.settleTimer);
  }

  private async drain(movieId: string, state: MovieState): Promise<void> {
    state.running = true;
    clearTimeout(state.settleTimer);
    while (state.next) {
      const batch = state.next;
      const { delta, full } = state;
      state.next = null;
      state.delta = { sum: 0, count: 0 };
      state.full = false;
      // A recomputation reads every write that came before it, so it replaces the deltas.
      await (full ? this.recompute(movieId) : this.add(movieId, delta));
      batch.resolve();
    }
    state.running = false;
    if (this.closed) return;
    state.settleTimer = setTimeout(() => {
      state.settleTimer = undefined;
      if (state.running || state.next) return;
      state.running = true;
      // This pass stores after the write was acknowledged: cached catalog answers must learn of it too.
      void this.recompute(movieId)
        .then((wrote) => (wrote ? this.catalog.written() : undefined))
        .catch((err: Error) => this.logger.warn(`invalidating the catalog after settling movie ${movieId} failed: ${err.message}`))
        .then(() => {
          state.running = false;
          if (state.next) void this.drain(movieId, state);
          else if (!state.settleTimer) this.states.delete(movieId);
        });
    }, SETTLE_MS);
    state.settleTimer.unref();
  }

  private async add(movieId: string, delta: RatingDelta): Promise<void> {
    try {
      const readAt = new Date();
      const movie = await this.movies.findById(movieId);
      if (!movie) return;
      await this.movies.setRatingAggregate(movieId, movie.ratingSum + delta.sum, movie.ratingCount + delta.count, readAt);
    } catch (err) {
      // The ratings are stored; the settle pass recomputes.
      this.logger.warn(`updating the ratings of movie ${movieId} failed: ${(err as Error).message}`);
    }
  }

  /** Whether it stored a changed aggregate. */
  private async recompute(movieId: string): Promise<boolean> {
    try {
      const readAt = new Date();
      const [{ sum, count }, movie] = await Promise.all([this.ratings.aggregateOf(movieId), this.movies.findById(movieId)]);
      // Writes are what FerretDB serialises: an unchanged aggregate (most settle passes) is not written again.
      if (!movie || (movie.ratingSum === sum && movie.ratingCount === count)) return false;
      await this.movies.setRatingAggregate(movieId, sum, count, readAt);
      return true;
    } catch (err) {
      // The ratings are stored; the settle pass or the next write recomputes.
      this.logger.warn(`recomputing the ratings of movie ${movieId} failed: ${(err as Error).message}`);
      return false;
    }
  }
}
