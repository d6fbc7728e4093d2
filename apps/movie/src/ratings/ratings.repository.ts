import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model, Types } from 'mongoose';
import { AppError } from '@app/common';
import { isDuplicateKey } from './duplicate-key';
import { Rating, RatingRecord } from './rating.schema';

@Injectable()
export class RatingsRepository {
  constructor(@InjectModel(Rating.name) private readonly model: Model<Rating>) {}

  /**
   * Sets the user's rating (created or replaced) and returns it as it was before (null: it is new). A concurrent
   * first rating of the same pair can make the upsert raise 11000; it then replaces the one that won.
   */
  async upsert(movieId: string, userId: string, score: number, comment: string): Promise<RatingRecord | null> {
    const filter = { movieId: new Types.ObjectId(movieId), userId };
    const update = { $set: { score, comment } };
    try {
      return await this.model.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'before' }).lean<RatingRecord>().exec();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const before = await this.model.findOneAndUpdate(filter, update, { returnDocument: 'before' }).lean<RatingRecord>().exec();
      if (!before) throw AppError.conflict('The rating changed meanwhile, try again');
      return before;
    }
  }

  /**
   * The movie's sum and count of scores, computed from its ratings. Summed here rather than with $group: FerretDB
   * 1.24 answers `{ $sum: 1 }` with 0. An index range on MongoDB; a table scan on FerretDB (it pushes down only
   * `_id` equality), which the refresher's coalescing keeps to about two per burst.
   */
  async aggregateOf(movieId: string): Promise<{ sum: number; count: number }> {
    const rows = await this.model.find({ movieId: new Types.ObjectId(movieId) }, { _id: 0, score: 1 }).lean<{ score: number }[]>().exec();
    let sum = 0;
    for (const r of rows) sum += r.score;
    return { sum, count: rows.length };
  }

  remove(movieId: string, userId: string): Promise<RatingRecord | null> {
    return this.model.findOneAndDelete({ movieId, userId }).lean<RatingRecord>().exec();
  }

  async removeAllOfMovie(movieId: string): Promise<number> {
    return (await this.model.deleteMany({ movieId }).exec()).deletedCount;
  }

  async page(movieId: string, page: number, limit: number): Promise<{ items: RatingRecord[]; total: number }> {
    const [items, total] = await Promise.all([
      this.model
        .find({ movieId })
        .sort({ updatedAt: -1, _id: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<RatingRecord[]>()
        .exec(),
      this.model.countDocuments({ movieId }).exec(),
    ]);
    return { items, total };
  }

  ofUser(userId: string): Promise<RatingRecord[]> {
    return this.model.find({ userId }, { movieId: 1, score: 1 }).limit(10000).lean<RatingRecord[]>().exec();
  }

  /** A page of every rating in _id order, only the fields a batch job needs. */
  after(after: string | undefined, limit: number): Promise<RatingRecord[]> {
    const filter = after ? { _id: mongoose.trusted({ $gt: new Types.ObjectId(after) }) } : {};
    return this.model.find(filter, { movieId: 1, userId: 1, score: 1 }).sort({ _id: 1 }).limit(limit).lean<RatingRecord[]>().exec();
  }

  /** One pass over every rating in natural order, fetched in batches. */
  scan(batchSize: number): AsyncIterator<RatingRecord> {
    return this.model
      .find({}, { movieId: 1, userId: 1, score: 1 })
      .lean<RatingRecord[]>()
      .batchSize(batchSize)
      .cursor()
      [Symbol.asyncIterator]();
  }

  async insertMany(ratings: Rating[]): Promise<number> {
    return (await this.model.insertMany(ratings)).length;
  }
}
