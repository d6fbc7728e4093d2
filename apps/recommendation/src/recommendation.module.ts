import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { RevocationFollower, TokenModule } from '@app/auth';
import { AppConfig } from '@app/config';
import { ResilienceModule } from '@app/resilience';
import { healthHandlerFor, serviceBaseImports } from '@app/runtime';
import { ModelRepository } from './recommendations/model.repository';
import { MovieCatalogClient } from './recommendations/movie-catalog.client';
import { RatingsSnapshotRepository } from './recommendations/ratings-snapshot.repository';
import { RatingsChunk, RatingsChunkSchema, RatingsSnapshot, RatingsSnapshotSchema } from './recommendations/ratings-snapshot.schema';
import { RecommendationsHandler } from './recommendations/recommendations.handler';
import { RecommendationsService } from './recommendations/recommendations.service';
import { Build, BuildSchema } from './recommendations/build.schema';
import { Similarity, SimilaritySchema } from './recommendations/similarity.schema';

@Module({})
export class RecommendationModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: RecommendationModule,
      imports: [
        ...serviceBaseImports('recommendation', config),
        TokenModule,
        ResilienceModule.forServices(['movie']),
        MongooseModule.forFeature([
          { name: Similarity.name, schema: SimilaritySchema },
          { name: Build.name, schema: BuildSchema },
          { name: RatingsSnapshot.name, schema: RatingsSnapshotSchema },
          { name: RatingsChunk.name, schema: RatingsChunkSchema },
        ]),
      ],
      controllers: [healthHandlerFor('recommendation'), RecommendationsHandler],
      providers: [
        ModelRepository,
        RatingsSnapshotRepository,
        MovieCatalogClient,
        RecommendationsService,
        RevocationFollower,
      ],
    };
  }
}
