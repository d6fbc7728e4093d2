import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { RatingTuple } from '@app/contracts';

/** A saved copy of every rating and the `changes` stream position it is current to (`<epoch>/<seq>`). */
@Schema({ collection: 'ratingSnapshots', versionKey: false })
export class RatingsSnapshot {
  @Prop({ type: String, required: true })
  _id: string;

  /** Events after this position are not in the copy; null: the copy came from an export without a position. */
  @Prop({ type: String, default: null })
  position: string | null;

  @Prop({ required: true })
  savedAt: Date;

  @Prop({ required: true })
  chunks: number;

  @Prop({ required: true })
  ratings: number;
}

export const RatingsSnapshotSchema = SchemaFactory.createForClass(RatingsSnapshot);

/** A few thousand ratings per document: FerretDB's cost is per document, so big chunks load fast. */
@Schema({ collection: 'ratingChunks', versionKey: false })
export class RatingsChunk {
  /** `<snapshot id>-<index>`: loaded by _id, the one lookup FerretDB 1.x does without a scan. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  snapshot: string;

  /**
   * The ratings as three parallel columns (movie, user, score of rating i at index i): FerretDB 1.x refuses nested
   * arrays, so `[movieId, userId, score]` tuples cannot be stored as they are.
   */
  @Prop({ type: [String], default: [] })
  movieIds: string[];

  @Prop({ type: [String], default: [] })
  userIds: string[];

  @Prop({ type: [Number], default: [] })
  scores: number[];

  /** Chunks written as tuples before the columns (possible on MongoDB only); read, never written. */
  @Prop({ type: [MongooseSchema.Types.Mixed], default: undefined })
  ratings?: RatingTuple[];
}

export const RatingsChunkSchema = SchemaFactory.createForClass(RatingsChunk);
