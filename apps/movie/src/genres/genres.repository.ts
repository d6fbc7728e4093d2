import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { Genre, GenreRecord } from './genre.schema';

@Injectable()
export class GenresRepository {
  constructor(@InjectModel(Genre.name) private readonly model: Model<Genre>) {}

  all(): Promise<GenreRecord[]> {
    return this.model.find().sort({ name: 1 }).lean<GenreRecord[]>().exec();
  }

  /** Creates the genre; a duplicate name raises the driver's 11000 error from the unique index. */
  async create(genre: Genre): Promise<GenreRecord> {
    const created = await this.model.create(genre);
    return created.toObject();
  }

  async existingNames(names: string[]): Promise<Set<string>> {
    const found = await this.model
      .find({ name: mongoose.trusted({ $in: names }) }, { name: 1 })
      .lean<GenreRecord[]>()
      .exec();
    return new Set(found.map((g) => g.name));
  }

  /** Inserts the genres that do not exist yet; returns how many were added. */
  async addMissing(genres: Genre[]): Promise<number> {
    const existing = await this.existingNames(genres.map((g) => g.name));
    const missing = genres.filter((g) => !existing.has(g.name));
    if (missing.length) await this.model.insertMany(missing);
    return missing.length;
  }
}
