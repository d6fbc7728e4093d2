import { NestFactory } from '@nestjs/core';
import { AppConfig, withSettings } from '@app/config';
import { startEmbeddedDb } from '@app/dev-harness';
import { withServiceSecret } from '@app/runtime';
import { DemoSeeder } from '../../movie/src/demo/demo.seeder';
import { MovieModule } from '../../movie/src/movie.module';

/** `npm run seed`: loads the demo catalog into the movie database (the one `npm start` uses, or MONGO_URI). */
export async function runSeed(loaded: AppConfig): Promise<void> {
  const db = loaded.mongo.uri
    ? undefined
    : await startEmbeddedDb({ dataDir: loaded.dataDir, cacheDir: loaded.embeddedDb.cacheDir, engine: loaded.embeddedDb.engine });
  // The explicit seed below decides; the start-up autoload stays out of the way.
  // Nothing else runs: a secret of its own for the clients the movie module builds (they never reach another process).
  const config = withServiceSecret(withSettings(loaded, {
        ...(db ? { MONGO_URI: db.uri } : {}),
        DEMO_DATA: 'false',
        // No consumer runs beside the seed: the events go nowhere, and the next start rebuilds what follows them.
        ...(loaded.events.engine === 'auto' ? { EVENTS_ENGINE: 'memory' } : {}),
      }));
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
