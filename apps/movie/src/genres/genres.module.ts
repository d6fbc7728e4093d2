import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CatalogCacheModule } from '../catalog-cache/catalog-cache.module';
import { Genre, GenreSchema } from './genre.schema';
import { GenresHandler } from './genres.handler';
import { GenresRepository } from './genres.repository';
import { GenresService } from './genres.service';

@Module({
  imports: [CatalogCacheModule, MongooseModule.forFeature([{ name: Genre.name, schema: GenreSchema }])],
  controllers: [GenresHandler],
  providers: [GenresRepository, GenresService],
  exports: [GenresRepository, GenresService],
})
export class GenresModule {}
