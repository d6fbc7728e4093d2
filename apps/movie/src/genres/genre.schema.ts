import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

@Schema({ collection: 'genres', timestamps: true, versionKey: false })
export class Genre {
  @Prop({ required: true, unique: true })
  name: string;

  @Prop({ default: '' })
  description: string;
}

export interface GenreRecord extends Genre {
  _id: Types.ObjectId;
}

export const GenreSchema = SchemaFactory.createForClass(Genre);
