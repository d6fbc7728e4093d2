import { AppConfig, SERVICE_NAMES } from '@app/config';
import { EmbeddedDb, freePort, startEmbeddedDb } from '@app/dev-harness';
import { ensureServiceSecret, RunningService, startService } from '@app/runtime';
import { assertPortFree, startGateway } from '../../gateway/src/gateway-main';
import { SERVICE_MODULES } from './service-modules';

/** `npm start`: the gateway and every service in one Node process, each service behind its transport. */
export async function runOneProcess(config: AppConfig): Promise<void> {
  await assertPortFree(config);
  let db: EmbeddedDb | undefined;
  if (!config.mongo.uri) {
    db = await startEmbeddedDb({ dataDir: config.dataDir, cacheDir: config.embeddedDb.cacheDir, engine: config.embeddedDb.engine });
    config.mongo.uri = db.uri;
  }
  // Every caller and service is in this process: a secret of its own authenticates their messages (no TLS on loopback).
  ensureServiceSecret(config);
  // Every instance is in this process and known up front: nothing to discover.
  config.registry.mode = 'static';
  if (config.transport === 'tcp') {
    // Nothing outside this process needs the services' ports, so any free ones will do.
    for (const name of SERVICE_NAMES) {
      const port = await freePort();
      config.services[name].port = port;
      config.services[name].instances = `127.0.0.1:${port}:1`;
    }
  }
  const services: RunningService[] = await Promise.all(
    SERVICE_NAMES.map((name) => startService(name, SERVICE_MODULES[name](config), config)),
  );
  await startGateway(
    config,
    () => [
      { name: 'services', run: async () => void (await Promise.all(services.map((s) => s.close()))) },
      ...(db ? [{ name: 'embedded database', run: () => db.stop() }] : []),
    ],
    `one process, ${config.transport}, database ${db ? db.engine : 'MONGO_URI'}`,
  );
}
