import { randomBytes } from 'node:crypto';
import mongoose, { Model } from 'mongoose';
import { FeedPositions } from '@app/contracts';

/**
 * A small log in the owner's database that is also its outbox (the user service's security events, the auth
 * service's revocations): each entry is stored under a position (`_id`, time first) with `published: false`, and
 * marked once the event bus has it. Entries are rare, so each append is one insert.
 */
export class PositionFeed<T extends { _id: string; published?: boolean }> {
  private readonly positions = new FeedPositions(randomBytes(4).toString('hex'));

  constructor(private readonly model: Model<T>) {}

  /** Stores the entry and returns it as stored. */
  async append(entry: Omit<T, '_id' | 'published'>): Promise<T> {
    const stored = { ...entry, _id: this.positions.next(), published: false } as unknown as T;
    await this.model.insertMany([stored]);
    return stored;
  }

  /** What a previous run stored and may not have published, oldest first. */
  unpublished(): Promise<T[]> {
    return this.model
      .find({ published: mongoose.trusted({ $ne: true }) })
      .sort({ _id: 1 })
      .lean<T[]>()
      .exec();
  }

  async markPublished(ids: string[]): Promise<void> {
    if (ids.length) await this.model.updateMany({ _id: mongoose.trusted({ $in: ids }) }, { $set: { published: true } }).exec();
  }
}
