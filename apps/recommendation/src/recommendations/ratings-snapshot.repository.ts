import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import type { RatingTuple } from '@app/contracts';
import { RatingsChunk, RatingsSnapshot } from './ratings-snapshot.schema';

const CHUNK = 5000;

@Injectable()
export class RatingsSnapshotRepository {
  constructor(
    @InjectModel(RatingsSnapshot.name) private readonly snapshots: Model<RatingsSnapshot>,
    @InjectModel(RatingsChunk.name) private readonly chunks: Model<RatingsChunk>,
  ) {}

  /** Writes the chunks, then the head that makes them current, then drops older snapshots (no transactions needed). */
  async save(id: string, ratings: RatingTuple[], position: string | null): Promise<void> {
    const docs: RatingsChunk[] = [];
    for (let i = 0; i * CHUNK < ratings.length; i++)
      docs.push({ _id: `${id}-${i}`, snapshot: id, ratings: ratings.slice(i * CHUNK, (i + 1) * CHUNK) });
    for (const doc of docs) await this.chunks.collection.insertOne(doc as never);
    await this.snapshots.create({ _id: id, position, savedAt: new Date(), chunks: docs.length, ratings: ratings.length });
    await this.snapshots.deleteMany({ _id: mongoose.trusted({ $ne: id }) }).exec();
    await this.chunks.deleteMany({ snapshot: mongoose.trusted({ $ne: id }) }).exec();
  }

  async latest(): Promise<{ ratings: RatingTuple[]; position: string | null } | null> {
    const head = await this.snapshots.findOne().sort({ savedAt: -1 }).lean<RatingsSnapshot>().exec();
    if (!head) return null;
    const ratings: RatingTuple[] = [];
    for (let i = 0; i < head.chunks; i++) {
      const chunk = await this.chunks.collection.findOne({ _id: `${head._id}-${i}` as never });
      if (!chunk) return null;
      for (const r of chunk.ratings as RatingTuple[]) ratings.push(r);
    }
    return { ratings, position: head.position };
  }
}
