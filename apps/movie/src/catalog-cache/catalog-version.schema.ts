import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One document: a value that every catalog write replaces with a new unique one. */
@Schema({ collection: 'catalogVersion', versionKey: false })
export class CatalogVersion {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true })
  version: string;
}

export const CatalogVersionSchema = SchemaFactory.createForClass(CatalogVersion);
