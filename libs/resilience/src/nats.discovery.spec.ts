import { setTimeout as sleep } from 'node:timers/promises';
import { Svcm } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import { waitFor } from '@app/common';
import { AppConfig, loadConfig } from '@app/config';
import { LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { announceInstance, natsServiceName } from './nats.discovery';
import { ServiceRegistry } from './service-registry.service';

const until = (probe: () => boolean, ms: number, what: string) => waitFor(probe, ms, what, 20);

/** REGISTRY=nats against a real NATS server: announcements, graceful leave, expiry, bad records, outage. */
describe('REGISTRY=nats against a NATS server', () => {
  let nats: LocalNatsServer;
  let config: AppConfig;
  let registry: ServiceRegistry;

  beforeAll(async () => {
    nats = await startNatsServer();
    config = loadConfig({
      NODE_ENV: 'test',
      REGISTRY: 'nats',
      SERVICE_SECRET: 'unit-test-service-secret-0123456789abcdef',
      NATS_URL: nats.url,
      NATS_SUBJECT_PREFIX: `unit${process.pid}.`,
      REGISTRY_POLL_MS: '200',
      REGISTRY_EXPIRE_MS: '800',
      REGISTRY_LEAVE_GRACE_MS: '50',
    });
    registry = new ServiceRegistry(config, ['movie']);
    await registry.onModuleInit();
  }, 120_000);
  afterAll(async () => {
    await registry?.onApplicationShutdown();
    await nats?.stop();
  });

  const movies = () =>
    registry
      .client('movie')
      .instances.map((i) => `${i.spec.host}:${i.spec.port}:${i.spec.weight}`)
      .sort();
  const me = (port: number, weight: number) => ({
    service: 'movie' as const,
    instance: `movie@test:${port}`,
    host: '127.0.0.1',
    port,
    weight,
    version: '1.0.0',
  });

  it('adds announced instances with their weights, and drops one that leaves at once', async () => {
    const a = announceInstance(config, me(18001, 3));
    const b = announceInstance(config, me(18002, 1));
    await until(() => movies().length === 2, 3000, 'both instances');
    expect(movies()).toEqual(['127.0.0.1:18001:3', '127.0.0.1:18002:1']);
    const status = registry.status()[0];
    expect(status.registry).toMatchObject({ source: 'nats', reachable: true });
    expect(status.instances.find((i) => i.port === 18001)).toMatchObject({
      source: 'nats',
      metadata: { service: 'movie', host: '127.0.0.1', port: '18001', weight: '3', version: '1.0.0', instance: 'movie@test:18001' },
    });
    const leaving = b.leave();
    // Out of rotation before leave() returns (which is when the instance would stop listening).
    await until(() => movies().length === 1, 1000, 'the leaving instance to go');
    await leaving;
    // A discovery answer collected just before the goodbye does not bring it back.
    await sleep(3 * config.registry.pollMs);
    expect(movies()).toEqual(['127.0.0.1:18001:3']);
    await a.leave();
    await until(() => movies().length === 0, 1000, 'the second to go');
  });

  it('drops an instance that vanishes without a word after expireMs, and ignores bad records with a warning', async () => {
    // A process killed with -9: its NATS connection just drops.
    const nc = await connect({ servers: nats.url });
    const services = new Svcm(nc);
    const meta = { service: 'movie', instance: 'movie@test:18003', host: '127.0.0.1', port: '18003', weight: '2', version: '1.0.0' };
    await services.add({ name: natsServiceName(config.nats.subjectPrefix, 'movie'), version: '1.0.0', metadata: meta });
    await services.add({
      name: natsServiceName(config.nats.subjectPrefix, 'movie'),
      version: '1.0.0',
      metadata: { ...meta, port: '0' },
    });
    await services.add({
      name: natsServiceName(config.nats.subjectPrefix, 'movie'),
      version: '1.0.0',
      metadata: { ...meta, weight: '0' },
    });
    await until(() => movies().length === 1, 3000, 'the good record');
    expect(movies()).toEqual(['127.0.0.1:18003:2']);
    await nc.close();
    const gone = Date.now();
    await until(() => movies().length === 0, 3000, 'the vanished instance to expire');
    expect(Date.now() - gone).toBeGreaterThanOrEqual(config.registry.expireMs - config.registry.pollMs);
  });

  it('drops a malformed goodbye from anyone on the NATS server and still honours the next real one', async () => {
    const stranger = await connect({ servers: nats.url });
    try {
      stranger.publish(`${config.nats.subjectPrefix}registry.leave`, 'not json {');
      stranger.publish(`${config.nats.subjectPrefix}registry.leave`, 'null');
      await stranger.flush();
    } finally {
      await stranger.close();
    }
    const a = announceInstance(config, me(18005, 1));
    await until(() => movies().length === 1, 3000, 'the instance');
    const started = Date.now();
    const leaving = a.leave();
    // By its goodbye, well before it could expire (expireMs - pollMs after its last answer).
    await until(() => movies().length === 0, 1000, 'the leaving instance to go');
    expect(Date.now() - started).toBeLessThan(config.registry.expireMs - config.registry.pollMs);
    await leaving;
  });

  it('keeps the last known instances while NATS is down, and says so', async () => {
    const a = announceInstance(config, me(18004, 1));
    await until(() => movies().length === 1, 3000, 'the instance');
    await nats.stop();
    await until(() => !registry.registryState().reachable, 3000, 'the outage to be noticed');
    try {
      await sleep(2 * config.registry.expireMs);
      expect(movies()).toEqual(['127.0.0.1:18004:1']);
      expect(registry.registryState().lastError).toMatch(/NATS/);
    } finally {
      await a.leave();
    }
  });
});
