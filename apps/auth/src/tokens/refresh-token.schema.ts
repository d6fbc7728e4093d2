import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One refresh token: only its SHA-256 is stored; rotation and reuse are tracked per family (one login). */
@Schema({ collection: 'refreshTokens', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class RefreshToken {
  @Prop({ required: true, unique: true })
  tokenHash: string;

  @Prop({ required: true, index: true })
  familyId: string;

  @Prop({ required: true })
  userId: string;

  @Prop({ required: true })
  expiresAt: Date;

  /** When the family's login happened: carried over on rotation; a password change ends sessions started before it. */
  @Prop({ type: Date, default: null })
  sessionStartedAt: Date | null;

  /** Set when this token was exchanged for a new pair; presenting it again is reuse. */
  @Prop({ type: Date, default: null })
  rotatedAt: Date | null;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  createdAt: Date;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshToken);
