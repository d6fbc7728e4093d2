import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import type { SecurityEvent } from '@app/contracts';
import { PositionFeed } from '@app/database';
import { SecurityEventRecord } from './security-event.schema';

/** A stored event as the feed hands it out: its position, never the document's `_id`. */
const toSecurityEvent = (r: SecurityEventRecord): SecurityEvent => ({
  pos: r._id,
  type: r.type,
  userId: r.userId,
  ...(r.role ? { role: r.role } : {}),
  at: r.at,
});

@Injectable()
export class SecurityEventsRepository {
  private readonly feed: PositionFeed<SecurityEventRecord>;

  constructor(@InjectModel(SecurityEventRecord.name) private readonly model: Model<SecurityEventRecord>) {
    this.feed = new PositionFeed(model);
  }

  append(event: Omit<SecurityEventRecord, '_id'>): Promise<string> {
    return this.feed.append(event);
  }

  async after(after: string | undefined, limit: number): Promise<SecurityEvent[]> {
    return (await this.feed.after(after, limit)).map(toSecurityEvent);
  }

  async trimBefore(pos: string): Promise<number> {
    return (await this.model.deleteMany({ _id: mongoose.trusted({ $lt: pos }) }).exec()).deletedCount;
  }
}
