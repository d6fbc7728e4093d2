import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { PositionFeed } from '@app/database';
import { Revocation } from './revocation.schema';

@Injectable()
export class RevocationsRepository {
  private readonly feed: PositionFeed<Revocation>;

  constructor(@InjectModel(Revocation.name) private readonly model: Model<Revocation>) {
    this.feed = new PositionFeed(model);
  }

  append(entry: Omit<Revocation, '_id'>): Promise<string> {
    return this.feed.append(entry);
  }

  after(after: string | undefined, limit: number): Promise<Revocation[]> {
    return this.feed.after(after, limit);
  }

  async hasSource(source: string): Promise<boolean> {
    return (await this.model.exists({ source })) !== null;
  }

  async deleteExpired(before: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: trusted({ $lt: before }) }).exec()).deletedCount;
  }
}
