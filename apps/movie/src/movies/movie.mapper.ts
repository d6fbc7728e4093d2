import type { MovieDto, MovieV1Dto } from '@app/contracts';
import { averageOf } from './movie-rating.util';
import type { MovieEntity, MovieV1Entity } from './movie.entity';

export function toMovieDto(movie: MovieEntity): MovieDto {
  return {
    id: movie.id,
    name: movie.name,
    url: movie.url,
    coverImage: movie.coverImage,
    description: movie.description,
    genres: movie.genres,
    year: movie.year,
    averageRating: averageOf(movie.ratingSum, movie.ratingCount),
    ratingCount: movie.ratingCount,
    createdAt: new Date(movie.createdAt).toISOString(),
    updatedAt: new Date(movie.updatedAt).toISOString(),
  };
}

export function toMovieV1Dto(movie: MovieV1Entity): MovieV1Dto {
  return { id: movie.id, name: movie.name, url: movie.url, coverImage: movie.coverImage, description: movie.description };
}
