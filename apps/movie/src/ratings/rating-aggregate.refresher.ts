import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { MoviesRepository } from '../movies/movies.repository';
import { RatingsRepository } from './ratings.repository';

/** Quiet time after a movie's last write before one more recomputation, which settles races between instances. */
export const SETTLE_MS = 200;

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
}

interface MovieState {
  running: boolean;
  /** Callers waiting for a recomputation that starts after their write; null when none waits. */
  next: Waiter | null;
  settleTimer?: NodeJS.Timeout;
}

function waiter(): Waiter {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Keeps a movie's ratingSum/ratingCount/averageRating equal to its ratings without a lock: after a write, the
 * aggregate is recomputed from the ratings ($match + $group) and stored. At most one recomputation per movie runs
 * in this instance; writes that arrive meanwhile share the next one, so a burst of N writes costs about two
 * recomputations, not N. A recomputation stores its result only if no recomputation that read later has stored
 * one (`ratingsReadAt`), and a final pass SETTLE_MS after the last write makes the figure exact across instances
 * (docs/services.md, "Rating aggregates").
 */
@Injectable()
export class RatingAggregateRefresher implements OnModuleDestroy {
  private readonly logger = new Logger('RatingAggregates');
  private readonly states = new Map<string, MovieState>();
  private closed = false;

  constructor(
    private readonly ratings: RatingsRepository,
    private readonly movies: MoviesRepository,
  ) {}

  /** Resolves once a recomputation that began after this call has been stored (or has failed and was logged). */
  refresh(movieId: string): Promise<void> {
    let state = this.states.get(movieId);
    if (!state) this.states.set(movieId, (state = { running: false, next: null }));
    state.next ??= waiter();
    const done = state.next.promise;
    if (!state.running) void this.drain(movieId, state);
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
      state.next = null;
      await this.recompute(movieId);
      batch.resolve();
    }
    state.running = false;
    if (this.closed) return;
    state.settleTimer = setTimeout(() => {
      state.settleTimer = undefined;
      if (state.running || state.next) return;
      state.running = true;
      void this.recompute(movieId).then(() => {
        state.running = false;
        if (state.next) void this.drain(movieId, state);
        else if (!state.settleTimer) this.states.delete(movieId);
      });
    }, SETTLE_MS);
    state.settleTimer.unref();
  }

  private async recompute(movieId: string): Promise<void> {
    try {
      const readAt = new Date();
      const [{ sum, count }, movie] = await Promise.all([this.ratings.aggregateOf(movieId), this.movies.findById(movieId)]);
      // Writes are what FerretDB serialises: an unchanged aggregate (most settle passes) is not written again.
      if (!movie || (movie.ratingSum === sum && movie.ratingCount === count)) return;
      await this.movies.setRatingAggregate(movieId, sum, count, readAt);
    } catch (err) {
      // The ratings are stored; the settle pass or the next write recomputes.
      this.logger.warn(`recomputing the ratings of movie ${movieId} failed: ${(err as Error).message}`);
    }
  }
}
