import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CatalogCacheModule } from '../catalog-cache/catalog-cache.module';
import { ChangesModule } from '../changes/changes.module';
import { WriteGateModule } from '../database/write-gate.module';
import { GenresModule } from '../genres/genres.module';
import { MovieLifecycle } from './movie-lifecycle.service';
import { Movie, MovieSchema } from './movie.schema';
import { MoviesHandler } from './movies.handler';
import { MoviesRepository } from './movies.repository';
import { MoviesService } from './movies.service';

@Module({
  imports: [
    CatalogCacheModule,
    ChangesModule,
    GenresModule,
    WriteGateModule,
    MongooseModule.forFeature([{ name: Movie.name, schema: MovieSchema }]),
  ],
  controllers: [MoviesHandler],
  providers: [MoviesRepository, MoviesService, MovieLifecycle],
  exports: [MoviesRepository, MovieLifecycle],
})
export class MoviesModule {}
