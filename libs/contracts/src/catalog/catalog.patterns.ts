/** Message patterns of the movie service (movies, genres, ratings). */
export const MOVIE_PATTERNS = {
  list: 'movie.movies.list',
  listAll: 'movie.movies.list-all',
  get: 'movie.movies.get',
  create: 'movie.movies.create',
  createV1: 'movie.movies.create-v1',
  update: 'movie.movies.update',
  remove: 'movie.movies.remove',
  byIds: 'movie.movies.by-ids',
  popular: 'movie.movies.popular',
  genresList: 'movie.genres.list',
  genresCreate: 'movie.genres.create',
  rate: 'movie.ratings.upsert',
  unrate: 'movie.ratings.remove',
  ratingsOfMovie: 'movie.ratings.of-movie',
  ratingsOfUser: 'movie.ratings.of-user',
  ratingsExport: 'movie.ratings.export',
} as const;
