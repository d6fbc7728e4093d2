import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

@Schema({ collection: 'ratings', timestamps: true, versionKey: false })
export class Rating {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  movieId: Types.ObjectId;

  /** The user's id in the user service (never joined here). */
  @Prop({ required: true })
  userId: string;

  @Prop({ required: true, min: 1, max: 5 })
  score: number;

  @Prop({ default: '' })
  comment: string;
}

export interface RatingRecord extends Rating {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export const RatingSchema = SchemaFactory.createForClass(Rating);
// One rating per user and movie; also the race guard for concurrent first ratings.
RatingSchema.index({ movieId: 1, userId: 1 }, { unique: true });
RatingSchema.index({ userId: 1 });
