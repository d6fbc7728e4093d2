import { AppConfig, SERVICE_NAMES, withSettings } from '@app/config';
import { EmbeddedDb, freePort, startEmbeddedDb } from '@app/dev-harness';
import { RunningService, startService, withServiceSecret } from '@app/runtime';
import { assertPortFree, startGateway } from '../../gateway/src/gateway.bootstrap';
import { SERVICE_MODULES } from './service-modules.constants';

/** `npm start`: the gateway and every service in one Node process, each service behind its transport. */
export async function runOneProcess(loaded: AppConfig): Promise<void> {
  await assertPortFree(loaded);
  let db: EmbeddedDb | undefined;
  // Every instance is in this process and known up front: nothing to discover.
  const settings: Record<string, string> = { REGISTRY: 'static' };
  // Every producer and consumer of events is in this process too: the in-memory engine carries them.
  if (loaded.events.engine === 'auto') settings.EVENTS_ENGINE = 'memory';
  if (!loaded.mongo.uri) {
    db = await startEmbeddedDb({ dataDir: loaded.dataDir, cacheDir: loaded.embeddedDb.cacheDir, engine: loaded.embeddedDb.engine });
    settings.MONGO_URI = db.uri;
  }
  if (loaded.transport === 'tcp') {
    // Nothing outside this process needs the services' ports, so any free ones will do (freePort reserves each one it hands out).
    for (const name of SERVICE_NAMES) {
      const port = await freePort();
      const key = `SERVICES_${name.toUpperCase()}`;
      settings[`${key}_PORT`] = String(port);
      settings[`${key}_INSTANCES`] = `127.0.0.1:${port}:1`;
    }
  }
  // Every caller and service is in this process: a secret of its own authenticates their messages (no TLS on loopback).
  const config = withServiceSecret(withSettings(loaded, settings));
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
