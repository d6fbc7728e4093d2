import { DynamicModule, Module } from '@nestjs/common';
import { RevocationFollower, TokenModule } from '@app/auth';
import { AppConfig } from '@app/config';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';
import { ChangesModule } from './changes/changes.module';
import { DemoModule } from './demo/demo.module';
import { GenresModule } from './genres/genres.module';
import { MoviesModule } from './movies/movies.module';
import { RatingsModule } from './ratings/ratings.module';

/** The movie service: movies, genres and ratings, each a feature module; the change feed below them all. */
@Module({})
export class MovieModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: MovieModule,
      imports: [
        ...serviceBaseImports('movie', config),
        TokenModule,
        ChangesModule,
        GenresModule,
        MoviesModule,
        RatingsModule,
        DemoModule,
      ],
      controllers: [healthHandlerFor('movie')],
      providers: [RevocationFollower],
      exports: [DemoModule],
    };
  }
}
