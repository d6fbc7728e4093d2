import type { MovieDto, MovieV1Dto } from '@app/contracts';
import { averageOf } from './movie-rating.util';
import type { MovieRecord } from './movie.schema';

export function toMovieDto(doc: MovieRecord): MovieDto {
  return {
    id: String(doc._id),
    name: doc.name,
    url: doc.url ?? '',
    coverImage: doc.coverImage ?? '',
    description: doc.description ?? '',
    genres: doc.genres ?? [],
    year: doc.year ?? null,
    averageRating: averageOf(doc.ratingSum ?? 0, doc.ratingCount ?? 0),
    ratingCount: doc.ratingCount ?? 0,
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

export function toMovieV1Dto(doc: Pick<MovieRecord, '_id' | 'name' | 'url' | 'coverImage' | 'description'>): MovieV1Dto {
  return { id: String(doc._id), name: doc.name, url: doc.url ?? '', coverImage: doc.coverImage ?? '', description: doc.description ?? '' };
}
