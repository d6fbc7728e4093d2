import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model, QueryFilter, Types } from 'mongoose';
import type { CreateMovieDto, MovieQueryDto, UpdateMovieDto } from '@app/contracts';
import { findOneById } from '@app/database';
import { averageOf } from './movie-rating.util';
import { WriteGate } from '../database/write-gate.service';
import { MovieEntity, MovieV1Entity, NewMovie } from './movie.entity';
import { Movie, MovieRecord } from './movie.schema';
import { titleMatcher } from './title-search.util';

/** The database's document as the service's movie: the `_id` becomes a string id, missing fields their defaults. */
function toV1Entity(r: MovieRecord): MovieV1Entity {
  return { id: String(r._id), name: r.name, url: r.url ?? '', coverImage: r.coverImage ?? '', description: r.description ?? '' };
}

function toEntity(r: MovieRecord): MovieEntity {
  return {
    ...toV1Entity(r),
    genres: r.genres ?? [],
    year: r.year ?? null,
    ratingSum: r.ratingSum ?? 0,
    ratingCount: r.ratingCount ?? 0,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

const toEntityOrNull = (r: MovieRecord | null): MovieEntity | null => (r ? toEntity(r) : null);

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

  async page(query: MovieQueryDto): Promise<{ items: MovieEntity[]; total: number }> {
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
    return { items: items.map(toEntity), total };
  }

  /** Every movie with only the v1 fields. */
  async allV1(): Promise<MovieV1Entity[]> {
    const rows = await this.model.find({}, V1_FIELDS).sort({ _id: 1 }).lean<MovieRecord[]>().exec();
    return rows.map(toV1Entity);
  }

  /**
   * The hottest read (every uncached movie answer, and each aggregate refresh): one `_id` lookup through the find
   * command (findOneById), without a projection. toEntity picks its fields anyway, and an exclusion projection is work
   * the database does per document; a mongoose query (casting, options, hooks) costs more than the lookup's own driver work.
   */
  async findById(id: string): Promise<MovieEntity | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return toEntityOrNull(await findOneById<MovieRecord>(this.model, id));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id }).exec()) !== null;
  }

  /** One _id lookup each: FerretDB 1.x answers `_id` equality from its primary key but scans the table for `$in`. */
  async findByIds(ids: string[]): Promise<MovieEntity[]> {
    const found = await Promise.all(ids.map((id) => (Types.ObjectId.isValid(id) ? findOneById<MovieRecord>(this.model, id) : Promise.resolve(null))));
    return found.filter((m): m is MovieRecord => m !== null).map(toEntity);
  }

  /** Movies with at least one rating, and the newest unrated ones to fill up short lists. */
  async rated(): Promise<MovieEntity[]> {
    const rows = await this.model
      .find({ ratingCount: mongoose.trusted({ $gt: 0 }) }, ANSWERED)
      .lean<MovieRecord[]>()
      .exec();
    return rows.map(toEntity);
  }

  async newestUnrated(limit: number): Promise<MovieEntity[]> {
    const rows = await this.model
      .find({ ratingCount: 0 }, ANSWERED)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<MovieRecord[]>()
      .exec();
    return rows.map(toEntity);
  }

  async existsByName(name: string): Promise<boolean> {
    return (await this.model.exists({ name }).exec()) !== null;
  }

  async count(): Promise<number> {
    return this.model.estimatedDocumentCount().exec();
  }

  async create(movie: CreateMovieDto): Promise<MovieEntity> {
    const created = await this.model.create({ ...movie, year: movie.year ?? null });
    return toEntity(created.toObject() as unknown as MovieRecord);
  }

  /** Movies that carry their rating aggregates already (the demo catalog); the stored average follows from them. */
  async insertMany(movies: NewMovie[]): Promise<MovieEntity[]> {
    const created = await this.model.insertMany(movies.map((m) => ({ ...m, averageRating: averageOf(m.ratingSum, m.ratingCount) })));
    return created.map((doc) => toEntity(doc.toObject() as unknown as MovieRecord));
  }

  async update(id: string, patch: UpdateMovieDto): Promise<MovieEntity | null> {
    return toEntityOrNull(await this.model.findByIdAndUpdate(id, { $set: patch }, { returnDocument: 'after' }).lean<MovieRecord>().exec());
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
