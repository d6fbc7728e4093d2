import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model, QueryFilter } from 'mongoose';
import type { CreateMovieDto, MovieQueryDto, UpdateMovieDto } from '@app/contracts';
import { averageOf } from './movie-rating.util';
import { WriteGate } from '../database/write-gate.service';
import { Movie, MovieRecord } from './movie.schema';
import { titleMatcher } from './title-search.util';

type NewMovie = Omit<Movie, 'averageRating'> & { averageRating?: number };

/** Answers compute the average from sum and count; the stored copy (and when it was computed) only serve the write path. */
const ANSWERED = { averageRating: 0, ratingsReadAt: 0 } as const;
/** The v1 list returns five fields: the database need not read, encode and send the rest. */
const V1_FIELDS = { name: 1, url: 1, coverImage: 1, description: 1 } as const;

@Injectable()
export class MoviesRepository {
  constructor(
    @InjectModel(Movie.name) private readonly model: Model<Movie>,
    private readonly writes: WriteGate,
  ) {}

  async page(query: MovieQueryDto): Promise<{ items: MovieRecord[]; total: number }> {
    const filter: QueryFilter<Movie> = {};
    if (query.genre) filter.genres = query.genre;
    if (query.q) filter.name = titleMatcher(query.q);
    if (query.year !== undefined) filter.year = query.year;
    const sortKey = query.sort ?? '-createdAt';
    const field = sortKey.replace(/^-/, '');
    const direction = sortKey.startsWith('-') ? -1 : 1;
    const [items, total] = await Promise.all([
      this.model
        .find(filter, ANSWERED)
        .sort({ [field]: direction, _id: direction })
        .skip((query.page - 1) * query.limit)
        .limit(query.limit)
        .lean<MovieRecord[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /** Every movie with only the v1 fields. */
  allV1(): Promise<Pick<MovieRecord, '_id' | 'name' | 'url' | 'coverImage' | 'description'>[]> {
    return this.model.find({}, V1_FIELDS).sort({ _id: 1 }).lean<MovieRecord[]>().exec();
  }

  findById(id: string): Promise<MovieRecord | null> {
    return this.model.findById(id, ANSWERED).lean<MovieRecord>().exec();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id }).exec()) !== null;
  }

  /** One _id lookup each: FerretDB 1.x answers `_id` equality from its primary key but scans the table for `$in`. */
  async findByIds(ids: string[]): Promise<MovieRecord[]> {
    const found = await Promise.all(ids.map((id) => this.model.findById(id).lean<MovieRecord>().exec()));
    return found.filter((m): m is MovieRecord => m !== null);
  }

  /** Movies with at least one rating, and the newest unrated ones to fill up short lists. */
  rated(): Promise<MovieRecord[]> {
    return this.model
      .find({ ratingCount: mongoose.trusted({ $gt: 0 }) })
      .lean<MovieRecord[]>()
      .exec();
  }

  newestUnrated(limit: number): Promise<MovieRecord[]> {
    return this.model.find({ ratingCount: 0 }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<MovieRecord[]>().exec();
  }

  async existsByName(name: string): Promise<boolean> {
    return (await this.model.exists({ name }).exec()) !== null;
  }

  async count(): Promise<number> {
    return this.model.estimatedDocumentCount().exec();
  }

  async create(movie: CreateMovieDto): Promise<MovieRecord> {
    const created = await this.model.create({ ...movie, year: movie.year ?? null });
    return created.toObject() as unknown as MovieRecord;
  }

  async insertMany(movies: NewMovie[]): Promise<MovieRecord[]> {
    const created = await this.model.insertMany(movies);
    return created.map((doc) => doc.toObject() as unknown as MovieRecord);
  }

  update(id: string, patch: UpdateMovieDto): Promise<MovieRecord | null> {
    return this.model.findByIdAndUpdate(id, { $set: patch }, { returnDocument: 'after' }).lean<MovieRecord>().exec();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id }).exec();
    return result.deletedCount > 0;
  }

  /**
   * Stores a movie's rating aggregate computed from ratings read at `readAt`, unless a computation that read later
   * has stored one already (atomic on MongoDB; on FerretDB the settle pass repairs a rare out-of-order store).
   */
  async setRatingAggregate(id: string, sum: number, count: number, readAt: Date): Promise<void> {
    await this.writes.run(() =>
      this.model
        .updateOne(
          { _id: id, $or: [{ ratingsReadAt: null }, { ratingsReadAt: mongoose.trusted({ $lte: readAt }) }] },
          { $set: { ratingSum: sum, ratingCount: count, averageRating: averageOf(sum, count), ratingsReadAt: readAt } },
          { timestamps: false },
        )
        .exec(),
    );
  }
}
