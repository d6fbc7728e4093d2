import { DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig, ServiceName, withSettings } from '@app/config';
import { EmbeddedDb, isPortFree, startEmbeddedDb } from '@app/dev-harness';
import { setProcessRole, stopTracing, tracingOn } from '@app/observability';
import { advertisedHost, Announcement, announceInstance } from '@app/resilience';
import { appVersion, instanceId } from './app-info.util';
import { fail, loadConfigOrExit, requireServiceSecret } from './config-or-exit.util';
import { installShutdown } from './shutdown.util';
import { startService } from './service.bootstrap';

/** Entry point of a service running as its own process (split mode, containers, `nest start <app>`). */
export async function runServiceMain(service: ServiceName, register: (config: AppConfig) => DynamicModule): Promise<void> {
  let config = loadConfigOrExit();
  requireServiceSecret(config);
  setProcessRole(service);
  const own = config.services[service];
  for (const [name, port] of [
    [`SERVICES_${service.toUpperCase()}_PORT`, own.port],
    [`SERVICES_${service.toUpperCase()}_HEALTH_PORT`, own.healthPort],
  ] as const) {
    if (config.transport === 'tcp' || name.endsWith('HEALTH_PORT')) {
      if (port !== 0 && !(await isPortFree(port))) fail(`Port ${port} (${name}) is already in use`);
    }
  }
  let db: EmbeddedDb | undefined;
  if (!config.mongo.uri) {
    db = await startEmbeddedDb({
      dataDir: join(config.dataDir, service),
      cacheDir: config.embeddedDb.cacheDir,
      engine: config.embeddedDb.engine,
    });
    config = withSettings(config, { MONGO_URI: db.uri });
  }
  let draining = false;
  const running = await startService(service, register(config), config, { healthPort: own.healthPort, draining: () => draining });
  const log = (m: string) => process.stdout.write(`[${service}] ${m}\n`);
  // Listening first, announced second: a caller that finds this instance can call it at once.
  const announcement: Announcement | undefined =
    config.registry.mode === 'nats'
      ? announceInstance(config, {
          service,
          instance: instanceId(service, own.port),
          host: advertisedHost(config, service),
          port: own.port,
          weight: own.weight,
          version: appVersion(),
        })
      : undefined;
  installShutdown(
    () => [
      // Out of the registry before the listener closes, so that no caller picks an instance that no longer listens.
      ...(announcement ? [{ name: 'registry', run: () => announcement.leave() }] : []),
      { name: service, run: () => running.close() },
      ...(db ? [{ name: 'embedded database', run: () => db.stop() }] : []),
      // The last spans of this process reach the collector before it exits.
      ...(tracingOn() ? [{ name: 'tracing', run: stopTracing }] : []),
    ],
    config.shutdown.drainTimeoutMs,
    log,
    () => (draining = true),
  );
  log(
    `listening (${config.transport}${config.transport === 'tcp' ? ` port ${own.port}` : ''}, health http://127.0.0.1:${own.healthPort}/health/ready)`,
  );
}
