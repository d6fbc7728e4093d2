import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { RevocationEvent, UserRole } from '@app/contracts';

/** One revocation; `_id` is its feed position. Removed once nothing it applies to can still be valid. */
@Schema({ collection: 'revocations', versionKey: false })
export class Revocation {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true, enum: ['session', 'user', 'role'] })
  kind: RevocationEvent['kind'];

  @Prop({ type: String })
  sid?: string;

  @Prop({ type: String })
  userId?: string;

  @Prop({ type: String })
  role?: UserRole;

  /** Ms since epoch. */
  @Prop({ required: true })
  at: number;

  @Prop({ required: true })
  expiresAt: Date;

  /** The event bus has it (this collection is the outbox too: what is false at start is published then). */
  @Prop({ type: Boolean })
  published?: boolean;

  /** The user service's security event it came from: applied once, however often the event is read. */
  @Prop({ type: String, index: true })
  source?: string;
}

export const RevocationSchema = SchemaFactory.createForClass(Revocation);
