/**
 * The movie service's changes: every change of a rating or a movie, stored in its outbox right after the change and
 * published to the `changes` stream before the answer (docs/services.md, "Events").
 *
 * - `rating.inserted` / `rating.changed`: `userId` and the new `score`.
 * - `rating.deleted`: `userId`.
 * - `movie.created` / `movie.changed`: the movie's id only (read the movie for its state).
 * - `movie.deleted`: the movie and every rating of it are gone (no `rating.deleted` per rating).
 */
export const CHANGE_TYPES = [
  'rating.inserted',
  'rating.changed',
  'rating.deleted',
  'movie.created',
  'movie.changed',
  'movie.deleted',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface ChangeEvent {
  /** The event's id in the movie service's outbox (its publish id: a publish again after a crash is no second event). */
  pos: string;
  type: ChangeType;
  movieId: string;
  userId?: string;
  score?: number;
  /** When the change was made (ISO). */
  at: string;
}
