import { AppConfig } from '@app/config';
import { startEmbeddedDb } from '@app/dev-harness';
import { installShutdown } from '@app/runtime';

/** Runs just the embedded database until SIGINT/SIGTERM, printing the URI other processes can use. */
export async function runDatabaseOnly(config: AppConfig): Promise<void> {
  const db = await startEmbeddedDb({ dataDir: config.dataDir, cacheDir: config.embeddedDb.cacheDir, engine: config.embeddedDb.engine });
  installShutdown(
    () => [{ name: 'embedded database', run: () => db.stop() }],
    config.shutdown.drainTimeoutMs,
    (m) => process.stdout.write(`[db] ${m}\n`),
  );
  process.stdout.write(`MONGO_URI=${db.uri} (${db.engine}, data in ${config.dataDir})\n`);
  // The database runs in a child process; keep this one alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}
