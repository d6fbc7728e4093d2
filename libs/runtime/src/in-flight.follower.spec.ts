import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientProxyFactory, EventPattern, MessagePattern, ServerTCP, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { freePort } from '@app/dev-harness';
import { InFlightTracker } from './in-flight.follower';

let release: () => void = () => undefined;
const held = () => new Promise<void>((resolve) => (release = resolve));

@Controller()
class SlowHandler {
  @MessagePattern('slow')
  async slow(): Promise<string> {
    await held();
    return 'done';
  }

  @MessagePattern('fails')
  fails(): never {
    throw new Error('boom');
  }

  @EventPattern('slow.event')
  async event(_data: unknown): Promise<void> {
    await held();
  }
}

@Module({ controllers: [SlowHandler] })
class SlowModule {}

/** Shutdown waits on this count: a message is in flight from its arrival until its answer settles. */
describe('InFlightTracker over a real TCP server', () => {
  const tracker = new InFlightTracker();
  let app: INestMicroservice;
  let client: ClientProxy;

  beforeAll(async () => {
    const port = await freePort();
    const strategy = new ServerTCP({ host: '127.0.0.1', port });
    tracker.follow(strategy);
    app = await NestFactory.createMicroservice(SlowModule, { strategy, logger: false });
    await app.listen();
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  };

  it('counts a request until it is answered, and whenIdle waits for it', async () => {
    expect(tracker.size).toBe(0);
    const answer = lastValueFrom(client.send('slow', {}));
    await until(() => tracker.size === 1);
    let idle = false;
    const whenIdle = tracker.whenIdle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    release();
    await expect(answer).resolves.toBe('done');
    await whenIdle;
    expect(tracker.size).toBe(0);
  });

  it('counts a failing request down too, and an event until its handler settles', async () => {
    await expect(lastValueFrom(client.send('fails', {}))).rejects.toBeDefined();
    expect(tracker.size).toBe(0);
    await lastValueFrom(client.emit('slow.event', {}));
    await until(() => tracker.size === 1);
    release();
    await until(() => tracker.size === 0);
  });
});
