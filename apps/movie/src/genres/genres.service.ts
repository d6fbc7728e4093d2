import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import type { CreateGenreDto, GenreDto } from '@app/contracts';
import { isDuplicateKey } from '../database/duplicate-key.util';
import { GenreRecord } from './genre.schema';
import { GenresRepository } from './genres.repository';

const toGenreDto = (g: GenreRecord): GenreDto => ({ id: String(g._id), name: g.name, description: g.description ?? '' });

@Injectable()
export class GenresService {
  constructor(private readonly genres: GenresRepository) {}

  async list(): Promise<GenreDto[]> {
    return (await this.genres.all()).map(toGenreDto);
  }

  async create(dto: CreateGenreDto): Promise<GenreDto> {
    try {
      return toGenreDto(await this.genres.create({ name: dto.name, description: dto.description ?? '' }));
    } catch (err) {
      if (isDuplicateKey(err)) throw AppError.conflict(`Genre "${dto.name}" already exists`);
      throw err;
    }
  }

  /** A movie may only name genres that exist. */
  async assertExist(names: string[] | undefined): Promise<void> {
    if (!names?.length) return;
    const existing = await this.genres.existingNames([...new Set(names)]);
    const unknown = names.filter((n) => !existing.has(n));
    if (unknown.length) throw AppError.badRequest(`Unknown genre: ${unknown.join(', ')}`);
  }
}
