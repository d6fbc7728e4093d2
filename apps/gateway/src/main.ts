import 'reflect-metadata';
import { loadConfigOrExit } from '@app/runtime';
import { SERVICE_NAMES } from '@app/config';
import { setProcessRole } from '@app/observability';
import { assertPortFree, startGateway } from './launcher/gateway-main';
import { runOneProcess } from './launcher/one-process';
import { runDatabaseOnly } from './launcher/database-only';
import { runOpenApi } from './launcher/openapi';
import { runSeed } from './launcher/seed';
import { runSplit } from './launcher/split';

/**
 * `node dist/apps/gateway/main.js`          one process (MODE=single, the default) or the gateway alone (MODE=split)
 * `node dist/apps/gateway/main.js split ...` the split-mode launcher
 * `node dist/apps/gateway/main.js db`        only the embedded database (prints its MONGO_URI; for benchmarks and tools)
 * `node dist/apps/gateway/main.js seed`      load the demo catalog (`npm run seed`)
 * `node dist/apps/gateway/main.js openapi [file]` print or write the OpenAPI document, starting nothing (`npm run openapi`)
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'split') return runSplit(config, rest);
  if (command === 'db') return runDatabaseOnly(config);
  if (command === 'seed') return runSeed(config);
  if (command === 'openapi') return runOpenApi(config, rest);
  if (command) throw new Error(`Unknown command: ${command}`);
  if (config.mode === 'split') {
    setProcessRole('gateway');
    await assertPortFree(config);
    await startGateway(config, () => [], `gateway, ${config.transport} to ${SERVICE_NAMES.join(', ')}`);
    return;
  }
  await runOneProcess(config);
}

main().catch((err: Error) => {
  process.stderr.write(`Start-up failed: ${err.message}\n`);
  process.exit(1);
});
