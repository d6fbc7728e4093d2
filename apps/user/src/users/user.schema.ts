import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { UserRole } from '@app/contracts';

@Schema({ collection: 'users', timestamps: true, versionKey: false })
export class User {
  @Prop({ required: true })
  username: string;

  /** Lower-cased copy with the unique index: FerretDB has no collations, so case-insensitive uniqueness lives here. */
  @Prop({ required: true, unique: true })
  usernameLower: string;

  @Prop({ required: true })
  passwordHash: string;

  @Prop({ type: String, required: true, enum: ['admin', 'user'], default: 'user', index: true })
  role: UserRole;

  /** The last password change or reset (ms): sessions that started before it have ended (the auth service's refresh checks it). */
  @Prop({ type: Number })
  sessionsEndedAt?: number;

  createdAt: Date;
  updatedAt: Date;
}

export const UserSchema = SchemaFactory.createForClass(User);
