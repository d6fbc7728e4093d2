/** A user's rating of a movie as the movie service's code sees it; `_id` and ObjectId stay in RatingsRepository. */
export interface RatingEntity {
  movieId: string;
  /** The user's id in the user service (never joined here). */
  userId: string;
  score: number;
  comment: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What an export or a batch job reads of a rating: `id` orders the sorted export. */
export type RatingScore = Pick<RatingEntity, 'movieId' | 'userId' | 'score'> & { id: string };

/** A rating to insert in bulk (the demo catalog). */
export type NewRating = Pick<RatingEntity, 'movieId' | 'userId' | 'score' | 'comment'>;
