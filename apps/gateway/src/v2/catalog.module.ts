import { Module } from '@nestjs/common';
import { MoviesV1Controller } from '../v1/v1-movies.controller';
import { GenresController } from './genres/genres.controller';
import { MoviesController } from './movies/movies.controller';
import { RecommendationsController } from './recommendations/recommendations.controller';
import { RecommendationsGatewayService } from './recommendations/recommendations-gateway.service';

/** Catalog and recommendation routes, v1 and v2; the named service clients come from the global ServiceClientsModule. */
@Module({
  controllers: [MoviesV1Controller, MoviesController, GenresController, RecommendationsController],
  providers: [RecommendationsGatewayService],
})
export class CatalogModule {}
