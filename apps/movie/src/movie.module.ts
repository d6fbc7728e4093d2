import { DynamicModule, Module } from '@nestjs/common';
import { revocationsFromAuthService, TokenModule } from '@app/auth';
import { AppConfig } from '@app/config';
import { ResilienceModule } from '@app/resilience';
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
        // Only for reading the auth service's revocations (every verifier does; docs/services.md).
        ResilienceModule.forServices(['auth']),
        ChangesModule,
        GenresModule,
        MoviesModule,
        RatingsModule,
        DemoModule,
      ],
      controllers: [healthHandlerFor('movie')],
      providers: [...revocationsFromAuthService('movie')],
      exports: [DemoModule],
    };
  }
}
