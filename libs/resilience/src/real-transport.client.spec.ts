import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Transport } from '@nestjs/microservices';
import { createServer, Server, Socket } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { AppError, ErrorCode, RpcErrorFilter } from '@app/common';
import { freePort, LocalNatsServer, startNatsServer } from '@app/dev-harness';
import { neverReachedServer } from './errors.util';
import { InstanceClient, RpcClient } from './instance.client';
import { PrefixedClientNats, PrefixedServerNats } from './nats.transport';
import type { ResilienceOptions } from './resilience-options.types';
import { ServiceClient } from './service.client';

const OPTIONS: ResilienceOptions = {
  callTimeoutMs: 300,
  breaker: 'consecutive',
  maxFailures: 3,
  samplingThreshold: 0.5,
  samplingDurationMs: 10_000,
  samplingMinimumRps: 5,
  resetTimeoutMs: 5_000,
  resetBackoffFactor: 2,
  resetTimeoutMaxMs: 60_000,
  maxConcurrent: 100,
  maxQueue: 100,
  retryAttempts: 2,
  retryDelayMs: 10,
};

@Controller()
class StormHandler {
  @MessagePattern('storm.find')
  find(): never {
    throw AppError.notFound('Movie not found');
  }

  @MessagePattern('storm.ok')
  ok(): string {
    return 'ok';
  }
}

@Module({ controllers: [StormHandler] })
class StormModule {}

// Storms are about what counts against the breaker, not about time: a loaded machine must not turn replies into timeouts.
const PATIENT: ResilienceOptions = { ...OPTIONS, callTimeoutMs: 10_000 };

function clientFor(
  port: number,
  proxy: RpcClient = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } }),
  options = OPTIONS,
): ServiceClient {
  const instance = new InstanceClient('storm', 'storm-1', { host: '127.0.0.1', port, weight: 1 }, proxy, options);
  return new ServiceClient('storm', 'tcp', [instance], options);
}

/** Real Nest TCP transport in-process: what the breaker sees from actual replies, refused ports and silent servers. */
describe('resilience over the real TCP transport', () => {
  const clients: ServiceClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  describe('a service answering 404s', () => {
    let app: INestMicroservice;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      app = await NestFactory.createMicroservice(StormModule, {
        transport: Transport.TCP,
        options: { host: '127.0.0.1', port },
        logger: false,
      });
      app.useGlobalFilters(new RpcErrorFilter());
      await app.listen();
    });
    afterAll(() => app.close());

    it('keeps the breaker closed through a storm of 50 not-found replies', async () => {
      const client = clientFor(port, undefined, PATIENT);
      clients.push(client);
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => client.send('storm.find', { id: 'x' }, { idempotent: true }).catch((e: unknown) => e)),
      );
      for (const reply of replies) expect(reply).toMatchObject({ status: 404, code: ErrorCode.NOT_FOUND, message: 'Movie not found' });
      const [instance] = client.status().instances;
      expect(instance.state).toBe('closed');
      expect(instance.calls).toEqual({ success: 50, failure: 0, timeout: 0, rejected: 0 });
      await expect(client.send('storm.ok', {})).resolves.toBe('ok');
    });
  });

  it('counts a refused connection as a failure and opens the breaker', async () => {
    const client = clientFor(await freePort());
    clients.push(client);
    for (let i = 0; i < OPTIONS.maxFailures; i++) {
      await expect(client.send('storm.ok', {})).rejects.toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE });
    }
    expect(client.status().instances[0]).toMatchObject({ state: 'open', calls: { failure: OPTIONS.maxFailures } });
  });

  describe('a server that accepts connections and never answers', () => {
    let server: Server;
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      port = await freePort();
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    });
    afterAll(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    });

    it('ends each call at the timeout, opens the breaker, then fails fast', async () => {
      const client = clientFor(port);
      clients.push(client);
      for (let i = 0; i < OPTIONS.maxFailures; i++) {
        const started = Date.now();
        await expect(client.send('storm.ok', {})).rejects.toMatchObject({ status: 503, code: ErrorCode.UPSTREAM_TIMEOUT });
        // Ended by the timeout, not earlier (a hang would end at jest's timeout instead).
        expect(Date.now() - started).toBeGreaterThanOrEqual(OPTIONS.callTimeoutMs - 5);
      }
      const started = Date.now();
      const err = await client.send('storm.ok', {}).catch((e: AppError) => e);
      // Fails fast: counted as rejected (below), never waiting for a timeout.
      expect(Date.now() - started).toBeLessThan(OPTIONS.callTimeoutMs);
      expect(err).toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE, retryAfter: 5 });
      expect(client.status().instances[0]).toMatchObject({ state: 'open', calls: { timeout: OPTIONS.maxFailures, rejected: 1 } });
    });
  });

  describe('over NATS (a server of our own on a free port)', () => {
    let url = '';
    const prefix = `unit${process.pid}.`;
    let nats: LocalNatsServer | undefined;
    let app: INestMicroservice | undefined;
    beforeAll(async () => {
      nats = await startNatsServer();
      url = nats.url;
      app = await NestFactory.createMicroservice(StormModule, {
        strategy: new PrefixedServerNats({ servers: [url], queue: 'storm' }, prefix),
        logger: false,
      });
      app.useGlobalFilters(new RpcErrorFilter());
      await app.listen();
    });
    afterAll(async () => {
      try {
        await app?.close();
      } finally {
        await nats?.stop();
      }
    });

    it('keeps the breaker closed through 50 not-found replies and still answers', async () => {
      const client = clientFor(0, new PrefixedClientNats({ servers: [url] }, prefix), PATIENT);
      clients.push(client);
      const replies = await Promise.all(Array.from({ length: 50 }, () => client.send('storm.find', {}).catch((e: unknown) => e)));
      for (const reply of replies) expect(reply).toMatchObject({ status: 404, code: ErrorCode.NOT_FOUND });
      expect(client.status().instances[0]).toMatchObject({ state: 'closed', calls: { success: 50, failure: 0 } });
      await expect(client.send('storm.ok', {})).resolves.toBe('ok');
    });

    it('never reaches a service under another subject prefix: NATS says no responders at once', async () => {
      const client = clientFor(0, new PrefixedClientNats({ servers: [url] }, `other${process.pid}.`), PATIENT);
      clients.push(client);
      await client.send('storm.ok', {}).catch(() => undefined);
      const started = Date.now();
      await expect(client.send('storm.ok', {})).rejects.toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE });
      expect(Date.now() - started).toBeLessThan(PATIENT.callTimeoutMs / 2);
      expect(client.status().instances[0].calls).toMatchObject({ failure: 2, timeout: 0 });
    });

    it('reports no responders as ENORESPONDERS (not as an empty reply), so that even a write may go to another instance', async () => {
      const proxy = new PrefixedClientNats({ servers: [url] }, `other${process.pid}.`);
      try {
        const err: unknown = await lastValueFrom(proxy.send('storm.ok', {})).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'ENORESPONDERS' });
        expect(neverReachedServer(err)).toBe(true);
      } finally {
        await proxy.close();
      }
    });
  });
});
