import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

@Schema({ collection: 'movies', timestamps: true, versionKey: false })
export class Movie {
  @Prop({ required: true })
  name: string;

  @Prop({ default: '' })
  url: string;

  @Prop({ default: '' })
  coverImage: string;

  @Prop({ default: '' })
  description: string;

  @Prop({ type: [String], default: [] })
  genres: string[];

  @Prop({ type: Number, default: null })
  year: number | null;

  /** Sum and count of the scores, recomputed from the ratings after each change; the average derives from them. */
  @Prop({ default: 0 })
  ratingSum: number;

  @Prop({ default: 0 })
  ratingCount: number;

  /** Stored only so that lists can sort by it; answers compute it from ratingSum / ratingCount. */
  @Prop({ default: 0 })
  averageRating: number;

  /** When the ratings behind the stored aggregate were read: an older computation never overwrites a newer one. */
  @Prop({ type: Date, default: null })
  ratingsReadAt?: Date | null;
}

export interface MovieRecord extends Movie {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export const MovieSchema = SchemaFactory.createForClass(Movie);
MovieSchema.index({ name: 1 });
MovieSchema.index({ genres: 1 });
MovieSchema.index({ averageRating: -1 });
MovieSchema.index({ createdAt: -1 });
