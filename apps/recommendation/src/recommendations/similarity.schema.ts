import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One movie's top-K neighbours from one build. */
@Schema({ collection: 'similarities', versionKey: false })
export class Similarity {
  @Prop({ required: true })
  buildId: string;

  @Prop({ required: true })
  movieId: string;

  @Prop({ type: [{ _id: false, movieId: String, similarity: Number }], default: [] })
  neighbours: { movieId: string; similarity: number }[];
}

export const SimilaritySchema = SchemaFactory.createForClass(Similarity);
SimilaritySchema.index({ buildId: 1, movieId: 1 });
