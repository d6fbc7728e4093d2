import type { RatingTuple } from '@app/contracts';
import type { UserRating } from '../engine/item-cf.util';

/**
 * The recommendation service's own copy of every rating, by user: filled by a full export (start-up without a
 * snapshot, or repair) and kept current by the movie service's change feed. Requests read it instead of the
 * movie service (FerretDB 1.x scans the whole table for any filter other than _id), and rebuilds use it.
 */
export class UserRatings {
  private byUser = new Map<string, Map<string, number>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  replace(ratings: Iterable<RatingTuple>): void {
    this.byUser = new Map();
    this.count = 0;
    for (const [movieId, userId, score] of ratings) this.set(userId, movieId, score);
  }

  set(userId: string, movieId: string, score: number): void {
    let mine = this.byUser.get(userId);
    if (!mine) this.byUser.set(userId, (mine = new Map<string, number>()));
    if (!mine.has(movieId)) this.count++;
    mine.set(movieId, score);
  }

  delete(userId: string, movieId: string): void {
    const mine = this.byUser.get(userId);
    if (!mine?.delete(movieId)) return;
    this.count--;
    if (!mine.size) this.byUser.delete(userId);
  }

  /** A deleted movie takes every rating of it along. */
  deleteMovie(movieId: string): void {
    for (const userId of [...this.byUser.keys()]) this.delete(userId, movieId);
  }

  of(userId: string): UserRating[] {
    return [...(this.byUser.get(userId) ?? [])].map(([movieId, score]) => ({ movieId, score }));
  }

  /** Every rating as [movieId, userId, score], for the engine and for snapshots. */
  tuples(): RatingTuple[] {
    const all: RatingTuple[] = [];
    for (const [userId, mine] of this.byUser) for (const [movieId, score] of mine) all.push([movieId, userId, score]);
    return all;
  }
}
