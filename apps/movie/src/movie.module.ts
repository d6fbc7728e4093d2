import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { revocationsFromAuthService, TokenModule } from '@app/auth';
import { ResilienceModule } from '@app/resilience';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';
import { CatalogCacheModule } from './catalog-cache/catalog-cache.module';
import { WriteGate } from './database/write-gate';
import { DemoHandler } from './demo/demo.handler';
import { DemoSeeder } from './demo/demo.seeder';
import { Genre, GenreSchema } from './genres/genre.schema';
import { GenresHandler } from './genres/genres.handler';
import { GenresRepository } from './genres/genres.repository';
import { GenresService } from './genres/genres.service';
import { Movie, MovieSchema } from './movies/movie.schema';
import { MoviesHandler } from './movies/movies.handler';
import { MoviesRepository } from './movies/movies.repository';
import { MoviesService } from './movies/movies.service';
import { Change, ChangeSchema } from './changes/change.schema';
import { ChangeFeedService } from './changes/change-feed.service';
import { ChangesHandler } from './changes/changes.handler';
import { ChangesRepository } from './changes/changes.repository';
import { RatingAggregateRefresher } from './ratings/rating-aggregate.refresher';
import { Rating, RatingSchema } from './ratings/rating.schema';
import { RatingsHandler } from './ratings/ratings.handler';
import { RatingsRepository } from './ratings/ratings.repository';
import { RatingsService } from './ratings/ratings.service';

@Module({})
export class MovieModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: MovieModule,
      imports: [
        ...serviceBaseImports('movie', config),
        TokenModule,
        // Only for reading the auth service's revocations (every verifier does; docs/services.md).
        ResilienceModule.forServices(['auth']),
        CatalogCacheModule,
        MongooseModule.forFeature([
          { name: Movie.name, schema: MovieSchema },
          { name: Genre.name, schema: GenreSchema },
          { name: Rating.name, schema: RatingSchema },
          { name: Change.name, schema: ChangeSchema },
        ]),
      ],
      controllers: [healthHandlerFor('movie'), MoviesHandler, GenresHandler, RatingsHandler, ChangesHandler, DemoHandler],
      providers: [
        WriteGate,
        MoviesRepository,
        GenresRepository,
        RatingsRepository,
        RatingAggregateRefresher,
        ChangesRepository,
        ChangeFeedService,
        MoviesService,
        GenresService,
        RatingsService,
        DemoSeeder,
        ...revocationsFromAuthService('movie'),
      ],
      exports: [DemoSeeder],
    };
  }
}
