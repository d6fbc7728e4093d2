import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@app/config';
import { startEmbeddedDb } from '@app/dev-harness';
import { DemoSeeder } from '../../movie/src/demo/demo.seeder';
import { MovieModule } from '../../movie/src/movie.module';

/** `npm run seed`: loads the demo catalog into the movie database (the one `npm start` uses, or MONGO_URI). */
export async function runSeed(config: AppConfig): Promise<void> {
  const db = config.mongo.uri
    ? undefined
    : await startEmbeddedDb({ dataDir: config.dataDir, cacheDir: config.embeddedDb.cacheDir, engine: config.embeddedDb.engine });
  if (db) config.mongo.uri = db.uri;
  // The explicit seed below decides; the start-up autoload stays out of the way.
  config.demoData = 'false';
  const app = await NestFactory.createApplicationContext(MovieModule.register(config), { logger: ['error', 'warn'] });
  try {
    const result = await app.get(DemoSeeder, { strict: false }).seed();
    process.stdout.write(
      result.loaded
        ? `Demo catalog loaded: ${result.genres} new genres, ${result.movies} movies, ${result.ratings} ratings\n`
        : `Demo catalog already present (${result.genres} missing genres added)\n`,
    );
  } finally {
    await app.close();
    await db?.stop();
  }
}
