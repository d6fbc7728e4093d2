import 'reflect-metadata';
import { loadConfigOrExit } from '@app/runtime';
import { runOneProcess } from './one-process.command';
import { runDatabaseOnly } from './database-only.command';
import { runInstance } from './instance.command';
import { runOpenApi } from './openapi.command';
import { runSeed } from './seed.command';
import { runSplit } from './split.command';

/**
 * The composer on top of the apps (`npm start`, `npm run start:split`, `npm run seed`):
 * `node dist/apps/platform/main.js`          every app in one process
 * `node dist/apps/platform/main.js split ...` each app as its own process (the split launcher)
 * `node dist/apps/platform/main.js db`        only the embedded database (prints its MONGO_URI; for benchmarks and tools)
 * `node dist/apps/platform/main.js seed`      load the demo catalog
 * `node dist/apps/platform/main.js instance movie --weight 2`  one more instance joining the running split system
 * `node dist/apps/platform/main.js openapi [file]` print or write the gateway's OpenAPI document, starting nothing (`npm run openapi`)
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'split') return runSplit(config, rest);
  if (command === 'db') return runDatabaseOnly(config);
  if (command === 'seed') return runSeed(config);
  if (command === 'instance') return runInstance(config, rest);
  if (command === 'openapi') return runOpenApi(config, rest);
  if (command) throw new Error(`Unknown command: ${command}`);
  await runOneProcess(config);
}

main().catch((err: Error) => {
  process.stderr.write(`Start-up failed: ${err.message}\n`);
  process.exit(1);
});
