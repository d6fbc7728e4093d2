import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import type { CreateGenreDto, GenreDto } from '@app/contracts';
import { GenresRepository } from './genres.repository';

@Injectable()
export class GenresService {
  constructor(private readonly genres: GenresRepository) {}

  async list(): Promise<GenreDto[]> {
    return this.genres.all();
  }

  async create(dto: CreateGenreDto): Promise<GenreDto> {
    const created = await this.genres.create({ name: dto.name, description: dto.description ?? '' });
    if (!created) throw AppError.conflict(`Genre "${dto.name}" already exists`);
    return created;
  }

  /** A movie may only name genres that exist. */
  async assertExist(names: string[] | undefined): Promise<void> {
    if (!names?.length) return;
    const existing = await this.genres.existingNames([...new Set(names)]);
    const unknown = names.filter((n) => !existing.has(n));
    if (unknown.length) throw AppError.badRequest(`Unknown genre: ${unknown.join(', ')}`);
  }
}
