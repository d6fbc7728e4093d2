import type { RatingTuple } from '@app/contracts';
import type { UserRating } from '../engine/item-cf';

interface Note {
  score: number | null;
  at: number;
}

/**
 * Every user's ratings as of the last build, plus the changes the gateway reported since, so a
 * request never scans the ratings collection (FerretDB 1.x scans the whole table for any filter
 * other than _id) and never recommends what the user rated after the build.
 */
export class UserRatings {
  private base = new Map<string, Map<string, number>>();
  private notes = new Map<string, Map<string, Note>>();

  /** Takes a build's ratings; notes older than the build's start are in them already. */
  replaceBase(ratings: readonly RatingTuple[], buildStartedAt: number): void {
    const base = new Map<string, Map<string, number>>();
    for (const [movieId, userId, score] of ratings) {
      let mine = base.get(userId);
      if (!mine) base.set(userId, (mine = new Map()));
      mine.set(movieId, score);
    }
    this.base = base;
    for (const [userId, notes] of this.notes) {
      for (const [movieId, note] of notes) if (note.at < buildStartedAt) notes.delete(movieId);
      if (!notes.size) this.notes.delete(userId);
    }
  }

  /** A rating set (score) or removed (null) since the build. */
  note(userId: string, movieId: string, score: number | null, at = Date.now()): void {
    let notes = this.notes.get(userId);
    if (!notes) this.notes.set(userId, (notes = new Map()));
    notes.set(movieId, { score, at });
  }

  of(userId: string): UserRating[] {
    const merged = new Map(this.base.get(userId) ?? []);
    for (const [movieId, note] of this.notes.get(userId) ?? []) {
      if (note.score === null) merged.delete(movieId);
      else merged.set(movieId, note.score);
    }
    return [...merged].map(([movieId, score]) => ({ movieId, score }));
  }
}
