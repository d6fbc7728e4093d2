import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model, Types } from 'mongoose';
import { Rating, RatingRecord } from './rating.schema';

@Injectable()
export class RatingsRepository {
  constructor(@InjectModel(Rating.name) private readonly model: Model<Rating>) {}

  /** Inserts a first rating; a concurrent first rating of the same pair raises 11000. */
  async insert(movieId: string, userId: string, score: number, comment: string): Promise<RatingRecord> {
    const created = await this.model.create({ movieId: new Types.ObjectId(movieId), userId, score, comment });
    return created.toObject() as unknown as RatingRecord;
  }

  /** Sets the new score and returns the rating as it was before, to derive the aggregate change. */
  replace(movieId: string, userId: string, score: number, comment: string, updatedAt: Date): Promise<RatingRecord | null> {
    return this.model
      .findOneAndUpdate({ movieId, userId }, { $set: { score, comment, updatedAt } }, { returnDocument: 'before', timestamps: false })
      .lean<RatingRecord>()
      .exec();
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
