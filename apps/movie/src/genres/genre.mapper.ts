import type { GenreDto } from '@app/contracts';
import type { GenreRecord } from './genre.schema';

export function toGenreDto(doc: GenreRecord): GenreDto {
  return { id: String(doc._id), name: doc.name, description: doc.description ?? '' };
}
