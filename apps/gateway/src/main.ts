import 'reflect-metadata';
import { loadConfigOrExit, requireServiceSecret } from '@app/runtime';
import { SERVICE_NAMES } from '@app/config';
import { setProcessRole } from '@app/observability';
import { assertPortFree, startGateway } from './gateway.bootstrap';

/**
 * `node dist/apps/gateway/main.js`: the HTTP gateway alone, calling the services over the transport.
 * Composing several apps in one process, the split launcher, seeding and the database-only mode live in apps/platform.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  requireServiceSecret(config);
  setProcessRole('gateway');
  await assertPortFree(config);
  await startGateway(config, () => [], `gateway, ${config.transport} to ${SERVICE_NAMES.join(', ')}`);
}

main().catch((err: Error) => {
  process.stderr.write(`Start-up failed: ${err.message}\n`);
  process.exit(1);
});
