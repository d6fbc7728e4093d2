import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { CHANGE_TYPES, type ChangeType } from '@app/contracts';

/** One entry of the change feed; `_id` is its position, so reading in order is a primary-key range. */
@Schema({ collection: 'changes', versionKey: false })
export class Change {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true, enum: CHANGE_TYPES })
  type: ChangeType;

  @Prop({ required: true })
  movieId: string;

  @Prop()
  userId?: string;

  @Prop()
  score?: number;

  @Prop({ required: true })
  at: Date;
}

export const ChangeSchema = SchemaFactory.createForClass(Change);
