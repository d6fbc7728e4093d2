import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { SecurityEventType, UserRole } from '@app/contracts';

/** One change that ends or downgrades a user's sessions; `_id` is its feed position. */
@Schema({ collection: 'securityEvents', versionKey: false })
export class SecurityEventRecord {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true, enum: ['password', 'deleted', 'role'] })
  type: SecurityEventType;

  @Prop({ required: true })
  userId: string;

  @Prop({ type: String })
  role?: UserRole;

  /** The event bus has it (this collection is the outbox too: what is false at start is published then). */
  @Prop({ type: Boolean })
  published?: boolean;

  /** Ms since epoch. */
  @Prop({ required: true })
  at: number;
}

export const SecurityEventSchema = SchemaFactory.createForClass(SecurityEventRecord);
