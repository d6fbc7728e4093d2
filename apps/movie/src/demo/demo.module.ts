import { Module } from '@nestjs/common';
import { GenresModule } from '../genres/genres.module';
import { MoviesModule } from '../movies/movies.module';
import { RatingsModule } from '../ratings/ratings.module';
import { DemoSeeder } from './demo.seeder';

@Module({
  imports: [GenresModule, MoviesModule, RatingsModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class DemoModule {}
