import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model, Types } from 'mongoose';
import { AppError } from '@app/common';
import { WriteGate } from '../database/write-gate.service';
import { isDuplicateKey } from '@app/database';
import { WriteBatcher } from '../database/write-batcher.util';
import { NewRating, RatingEntity, RatingScore } from './rating.entity';
import { Rating, RatingRecord } from './rating.schema';

/** A rating's _id derived from its movie and user (first 12 bytes of a SHA-1), so one user's rating is found by _id. */
function ratingId(movieId: string, userId: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha1').update(`${movieId}:${userId}`).digest().subarray(0, 12));
}

const INSERT_BATCH = 500;
/** What exports and batch jobs read of a rating. */
const SCORE_FIELDS = { movieId: 1, userId: 1, score: 1 } as const;

function toEntity(r: RatingRecord): RatingEntity {
  return {
    movieId: String(r.movieId),
    userId: r.userId,
    score: r.score,
    comment: r.comment ?? '',
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

const toEntityOrNull = (r: RatingRecord | null): RatingEntity | null => (r ? toEntity(r) : null);

const toScore = (r: RatingRecord): RatingScore => ({ id: String(r._id), movieId: String(r.movieId), userId: r.userId, score: r.score });

interface WriteFailure {
  index: number;
  code: number;
  errmsg?: string;
}

@Injectable()
export class RatingsRepository {
  private readonly inserts = new WriteBatcher<RatingRecord, boolean>(INSERT_BATCH, (docs) => this.insertBatch(docs));

  constructor(
    @InjectModel(Rating.name) private readonly model: Model<Rating>,
    private readonly writes: WriteGate,
  ) {}

  /**
   * Sets the user's rating (created or replaced) and returns it as it was before (null: it is new). A new rating
   * is inserted together with the other new ratings of the moment (one insertMany: FerretDB on SQLite stores a
   * batch as fast as a single document); one that exists already is replaced by its derived _id, the one lookup
   * FerretDB 1.x does without scanning the table. The unique index settles two first ratings of the same pair (the
   * second replaces the first), and a rating stored before ids were derived is found by movie and user.
   */
  async upsert(movieId: string, userId: string, score: number, comment: string, now: Date): Promise<RatingEntity | null> {
    const _id = ratingId(movieId, userId);
    if (await this.insertNew({ _id, movieId: new Types.ObjectId(movieId), userId, score, comment, createdAt: now, updatedAt: now }))
      return null;
    const set = { $set: { score, comment, updatedAt: now } };
    const before =
      (await this.writes.run(() => this.model.findOneAndUpdate({ _id }, set, { returnDocument: 'before' }).lean<RatingRecord>().exec())) ??
      (await this.writes.run(() =>
        this.model
          .findOneAndUpdate({ movieId: new Types.ObjectId(movieId), userId }, set, { returnDocument: 'before' })
          .lean<RatingRecord>()
          .exec(),
      ));
    if (!before) throw AppError.conflict('The rating changed meanwhile, try again');
    return toEntity(before);
  }

  /** Resolves true when the rating was inserted, false when one of the pair exists. */
  private insertNew(doc: RatingRecord): Promise<boolean> {
    return this.inserts.add(doc);
  }

  private async insertBatch(docs: RatingRecord[]): Promise<(boolean | Error)[]> {
    try {
      await this.writes.run(() => this.model.collection.insertMany(docs as never[], { ordered: false }));
      return docs.map(() => true);
    } catch (err) {
      const raw = (err as { writeErrors?: WriteFailure | WriteFailure[] }).writeErrors;
      const failures = Array.isArray(raw) ? raw : raw ? [raw] : null;
      if (!failures) throw err;
      const byIndex = new Map(failures.map((f) => [f.index, f]));
      return docs.map((_, i) => {
        const failure = byIndex.get(i);
        if (!failure) return true;
        return isDuplicateKey(failure) ? false : (err as Error);
      });
    }
  }

  /**
   * The movie's sum and count of scores, computed from its ratings. Summed here rather than with $group: FerretDB
   * 1.24 answers `{ $sum: 1 }` with 0. An index range on MongoDB; a table scan on FerretDB (it pushes down only
   * `_id` equality), which the refresher's coalescing keeps to about two per burst.
   */
  async aggregateOf(movieId: string): Promise<{ sum: number; count: number }> {
    const rows = await this.model
      .find({ movieId: new Types.ObjectId(movieId) }, { _id: 0, score: 1 })
      .lean<{ score: number }[]>()
      .exec();
    let sum = 0;
    for (const r of rows) sum += r.score;
    return { sum, count: rows.length };
  }

  async remove(movieId: string, userId: string): Promise<RatingEntity | null> {
    const removed = await this.writes.run(() =>
      this.model
        .findOneAndDelete({ _id: ratingId(movieId, userId) })
        .lean<RatingRecord>()
        .exec(),
    );
    // A rating stored before ids were derived has a random _id.
    return toEntityOrNull(
      removed ?? (await this.writes.run(() => this.model.findOneAndDelete({ movieId, userId }).lean<RatingRecord>().exec())),
    );
  }

  async removeAllOfMovie(movieId: string): Promise<number> {
    return (await this.model.deleteMany({ movieId }).exec()).deletedCount;
  }

  async page(movieId: string, page: number, limit: number): Promise<{ items: RatingEntity[]; total: number }> {
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
    return { items: items.map(toEntity), total };
  }

  async ofUser(userId: string): Promise<Pick<RatingEntity, 'movieId' | 'score'>[]> {
    const rows = await this.model.find({ userId }, { movieId: 1, score: 1 }).limit(10000).lean<RatingRecord[]>().exec();
    return rows.map((r) => ({ movieId: String(r.movieId), score: r.score }));
  }

  /** A page of every rating in id order, only the fields a batch job needs; `after` is the last `id` of the page before. */
  async after(after: string | undefined, limit: number): Promise<RatingScore[]> {
    const filter = after ? { _id: mongoose.trusted({ $gt: new Types.ObjectId(after) }) } : {};
    const rows = await this.model.find(filter, SCORE_FIELDS).sort({ _id: 1 }).limit(limit).lean<RatingRecord[]>().exec();
    return rows.map(toScore);
  }

  /** One pass over every rating in natural order, fetched in batches; `return()` closes the cursor. */
  async *scan(batchSize: number): AsyncGenerator<RatingScore, void, undefined> {
    for await (const r of this.model.find({}, SCORE_FIELDS).lean<RatingRecord[]>().batchSize(batchSize).cursor()) {
      yield toScore(r);
    }
  }

  async insertMany(ratings: NewRating[]): Promise<number> {
    const docs = ratings.map((r) => ({ ...r, movieId: new Types.ObjectId(r.movieId), _id: ratingId(r.movieId, r.userId) }));
    return (await this.model.insertMany(docs)).length;
  }
}
