import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import type { SecurityEvent } from '@app/contracts';
import { PositionFeed } from '@app/database';
import { SecurityEventRecord } from './security-event.schema';

/** A stored event as the stream carries it: its position, never the document's `_id`. */
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

  async append(event: Omit<SecurityEventRecord, '_id' | 'published'>): Promise<SecurityEvent> {
    return toSecurityEvent(await this.feed.append(event));
  }

  async unpublished(): Promise<SecurityEvent[]> {
    return (await this.feed.unpublished()).map(toSecurityEvent);
  }

  markPublished(events: SecurityEvent[]): Promise<void> {
    return this.feed.markPublished(events.map((e) => e.pos));
  }

  async trimBefore(pos: string): Promise<number> {
    return (await this.model.deleteMany({ _id: mongoose.trusted({ $lt: pos }) }).exec()).deletedCount;
  }
}
