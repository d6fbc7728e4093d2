import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import type { RatingTuple } from '@app/contracts';
import { RatingsChunk, RatingsSnapshot } from './ratings-snapshot.schema';

const CHUNK = 5000;

function toChunk(_id: string, snapshot: string, ratings: RatingTuple[]): RatingsChunk {
  return { _id, snapshot, movieIds: ratings.map((r) => r[0]), userIds: ratings.map((r) => r[1]), scores: ratings.map((r) => r[2]) };
}

function fromChunk(chunk: RatingsChunk): RatingTuple[] {
  if (chunk.ratings) return chunk.ratings;
  return chunk.movieIds.map((movieId, i): RatingTuple => [movieId, chunk.userIds[i], chunk.scores[i]]);
}

@Injectable()
export class RatingsSnapshotRepository {
  constructor(
    @InjectModel(RatingsSnapshot.name) private readonly snapshots: Model<RatingsSnapshot>,
    @InjectModel(RatingsChunk.name) private readonly chunks: Model<RatingsChunk>,
  ) {}

  /** Writes the chunks, then the head that makes them current, then drops older snapshots (no transactions needed). */
  async save(id: string, ratings: RatingTuple[], position: string | null): Promise<void> {
    const docs: RatingsChunk[] = [];
    for (let i = 0; i * CHUNK < ratings.length; i++) docs.push(toChunk(`${id}-${i}`, id, ratings.slice(i * CHUNK, (i + 1) * CHUNK)));
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
      const chunk = await this.chunks.collection.findOne<RatingsChunk>({ _id: `${head._id}-${i}` as never });
      if (!chunk) return null;
      for (const r of fromChunk(chunk)) ratings.push(r);
    }
    return { ratings, position: head.position };
  }
}
