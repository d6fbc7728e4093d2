import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { PositionFeed } from '@app/database';
import { SecurityEventRecord } from './security-event.schema';

@Injectable()
export class SecurityEventsRepository {
  private readonly feed: PositionFeed<SecurityEventRecord>;

  constructor(@InjectModel(SecurityEventRecord.name) private readonly model: Model<SecurityEventRecord>) {
    this.feed = new PositionFeed(model);
  }

  append(event: Omit<SecurityEventRecord, '_id'>): Promise<string> {
    return this.feed.append(event);
  }

  after(after: string | undefined, limit: number): Promise<SecurityEventRecord[]> {
    return this.feed.after(after, limit);
  }

  async trimBefore(pos: string): Promise<number> {
    return (await this.model.deleteMany({ _id: mongoose.trusted({ $lt: pos }) }).exec()).deletedCount;
  }
}
