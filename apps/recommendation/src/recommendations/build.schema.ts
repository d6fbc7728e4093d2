import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A finished build: its figures and the popular ranking; the newest one is the model in use. */
@Schema({ collection: 'builds', versionKey: false })
export class Build {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  builtAt: Date;

  @Prop({ required: true })
  users: number;

  @Prop({ required: true })
  movies: number;

  @Prop({ required: true })
  ratings: number;

  @Prop({ required: true })
  ms: number;

  @Prop({ type: [{ _id: false, movieId: String, score: Number }], default: [] })
  popular: { movieId: string; score: number }[];
}

export interface BuildRecord extends Build {
  _id: string;
}

export const BuildSchema = SchemaFactory.createForClass(Build);
