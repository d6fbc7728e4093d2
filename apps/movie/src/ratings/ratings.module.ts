import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CatalogCacheModule } from '../catalog-cache/catalog-cache.module';
import { ChangesModule } from '../changes/changes.module';
import { WriteGateModule } from '../database/write-gate.module';
import { MoviesModule } from '../movies/movies.module';
import { RatingAggregateRefresher } from './rating-aggregate.refresher';
import { Rating, RatingSchema } from './rating.schema';
import { RatingsHandler } from './ratings.handler';
import { RatingsRepository } from './ratings.repository';
import { RatingsService } from './ratings.service';

/** Ratings build on movies (never the other way round: movies call back through MovieLifecycle). */
@Module({
  imports: [
    CatalogCacheModule,
    ChangesModule,
    MoviesModule,
    WriteGateModule,
    MongooseModule.forFeature([{ name: Rating.name, schema: RatingSchema }]),
  ],
  controllers: [RatingsHandler],
  providers: [RatingsRepository, RatingAggregateRefresher, RatingsService],
  exports: [RatingsRepository],
})
export class RatingsModule {}
