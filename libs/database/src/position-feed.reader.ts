import { randomBytes } from 'node:crypto';
import mongoose, { Model } from 'mongoose';
import { CHANGE_FEED_OVERLAP_MS, FeedPositions } from '@app/contracts';

/**
 * A small feed read by position (`_id`, so reading in order is a primary-key range): the user service's security
 * events and the auth service's revocations. Entries are rare, so each append is one insert.
 */
export class PositionFeed<T extends { _id: string }> {
  private readonly positions = new FeedPositions(randomBytes(4).toString('hex'));

  constructor(private readonly model: Model<T>) {}

  /** Appends the entry and returns its position; one stored later than half the readers' overlap window gets a fresh one too. */
  async append(entry: Omit<T, '_id'>): Promise<string> {
    const started = Date.now();
    const pos = this.positions.next();
    await this.model.insertMany([{ ...entry, _id: pos } as unknown as T]);
    if (Date.now() - started > CHANGE_FEED_OVERLAP_MS / 2)
      await this.model.insertMany([{ ...entry, _id: this.positions.next() } as unknown as T]);
    return pos;
  }

  after(after: string | undefined, limit: number): Promise<T[]> {
    const filter = after === undefined ? {} : { _id: mongoose.trusted({ $gt: after }) };
    return this.model.find(filter).sort({ _id: 1 }).limit(limit).lean<T[]>().exec();
  }
}
