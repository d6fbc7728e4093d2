/**
 * A movie as the movie service's code sees it: its id is a string, and the database's `_id` and ObjectId stay in
 * MoviesRepository. The stored average (kept for sorting) is not here: answers derive it from sum and count.
 */
export interface MovieEntity {
  id: string;
  name: string;
  url: string;
  coverImage: string;
  description: string;
  genres: string[];
  year: number | null;
  ratingSum: number;
  ratingCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The five fields the v1 list answers with. */
export type MovieV1Entity = Pick<MovieEntity, 'id' | 'name' | 'url' | 'coverImage' | 'description'>;

/** A movie to insert: everything but what the database assigns. */
export type NewMovie = Omit<MovieEntity, 'id' | 'createdAt' | 'updatedAt'>;
