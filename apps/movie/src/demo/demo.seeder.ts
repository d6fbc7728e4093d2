import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { SeedResult } from '@app/contracts';
import { GenresRepository } from '../genres/genres.repository';
import { MoviesRepository } from '../movies/movies.repository';
import { RatingsRepository } from '../ratings/ratings.repository';
import { generateDemoData } from './demo-data.util';

/** Demo data loads by itself on an empty database in development, or whenever DEMO_DATA=true. */
function demoAutoload(config: AppConfig): boolean {
  return config.demoData === 'true' || (config.demoData === 'auto' && config.env === 'development');
}

@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeeder');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly genres: GenresRepository,
    private readonly movies: MoviesRepository,
    private readonly ratings: RatingsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!demoAutoload(this.config) || (await this.movies.count()) > 0) return;
    const result = await this.seed();
    this.logger.log(`Demo catalog loaded: ${result.genres} genres, ${result.movies} movies, ${result.ratings} ratings`);
  }

  /** Adds the demo catalog unless its movies are already there; movies carry their rating aggregates. */
  async seed(): Promise<SeedResult> {
    const data = generateDemoData();
    const genres = await this.genres.addMissing(data.genres);
    if (await this.movies.existsByName(data.movies[0].name)) return { loaded: false, genres, movies: 0, ratings: 0 };
    const sums = new Array<number>(data.movies.length).fill(0);
    const counts = new Array<number>(data.movies.length).fill(0);
    for (const r of data.ratings) {
      sums[r.movie] += r.score;
      counts[r.movie]++;
    }
    const created = await this.movies.insertMany(data.movies.map((m, i) => ({ ...m, ratingSum: sums[i], ratingCount: counts[i] })));
    const ratings = await this.ratings.insertMany(
      data.ratings.map((r) => ({
        movieId: created[r.movie].id,
        userId: r.userId,
        score: r.score,
        comment: '',
      })),
    );
    return { loaded: true, genres, movies: created.length, ratings };
  }
}
