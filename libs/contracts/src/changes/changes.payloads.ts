import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { POSITION_PATTERN } from './change-position.util';

/**
 * The movie service's change feed: every change of a rating or a movie, appended to its own database
 * right after the change and read by position (docs/services.md, "Change feed").
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
  /** Position in the feed; positions sort as strings (see changePosition). */
  pos: string;
  type: ChangeType;
  movieId: string;
  userId?: string;
  score?: number;
  /** When the change was made (ISO). */
  at: string;
}

export class ReadChangesPayload {
  /** Events after this position (exclusive); from the oldest kept one without it. */
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN)
  after?: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number;
}

export interface ChangesPage {
  /** In position order. */
  events: ChangeEvent[];
  /** Events older than this position may have been trimmed: a reader whose position is older must resync. */
  horizon: string;
}
