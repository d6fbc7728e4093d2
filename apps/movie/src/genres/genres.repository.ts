import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import type { GenreDto } from '@app/contracts';
import { isDuplicateKey } from '@app/database';
import { toGenreDto } from './genre.mapper';
import { Genre, GenreRecord } from './genre.schema';

@Injectable()
export class GenresRepository {
  constructor(@InjectModel(Genre.name) private readonly model: Model<Genre>) {}

  async all(): Promise<GenreDto[]> {
    return (await this.model.find().sort({ name: 1 }).lean<GenreRecord[]>().exec()).map(toGenreDto);
  }

  /** Creates the genre; null when the name exists (the unique index says so). */
  async create(genre: Genre): Promise<GenreDto | null> {
    try {
      return toGenreDto((await this.model.create(genre)).toObject());
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
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
