import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { AppError, ErrorCode, RpcErrorFilter } from '@app/common';
import { loadConfig, withSettings } from '@app/config';
import { freePort } from '@app/dev-harness';
import { InProcessClient, isInProcess } from './in-process.transport';
import { ServiceAuthGuard } from './service-auth.guard';
import { createProxy, serverOptions } from './transport.util';

const received: unknown[] = [];

@Controller()
class EchoHandler {
  @MessagePattern('echo.data')
  echo(@Payload() payload: { data: { when?: unknown; n?: number } }): unknown {
    received.push(payload);
    return { got: payload.data, at: new Date(0) };
  }

  @MessagePattern('echo.fail')
  fail(): never {
    throw AppError.notFound('Nothing here');
  }
}

@Module({ controllers: [EchoHandler] })
class EchoModule {}

/** `npm start`'s channel: callers in the process reach a service's server through Nest's dispatch, without a socket. */
describe('in-process calls to a TCP service in the same process', () => {
  let app: INestMicroservice;
  let port: number;
  const config = () =>
    withSettings(loadConfig({ NODE_ENV: 'test' }), { SERVICE_SECRET: 'x'.repeat(40), SERVICES_MOVIE_PORT: String(port) });

  beforeAll(async () => {
    port = await freePort();
    app = await NestFactory.createMicroservice(EchoModule, { ...serverOptions(config(), 'movie', port), logger: false });
    app.useGlobalFilters(new RpcErrorFilter());
    app.useGlobalGuards(new ServiceAuthGuard());
    await app.listen();
  });
  afterAll(() => app?.close());

  it('answers through the server guard, with what JSON would carry and no shared objects', async () => {
    expect(isInProcess('127.0.0.1', port)).toBe(true);
    const client = createProxy(config(), { host: '127.0.0.1', port, weight: 1 });
    const data = { when: new Date(1000), n: 1, gone: undefined };
    const answer = await lastValueFrom(client.send<{ got: unknown; at: unknown }>('echo.data', { meta: {}, data }));
    expect(answer).toEqual({ got: { when: new Date(1000).toISOString(), n: 1 }, at: new Date(0).toISOString() });
    // The handler got a copy: what it holds is not the caller's object.
    expect((received.at(-1) as { data: unknown }).data).not.toBe(data);
  });

  it('passes business errors on as the plain objects a socket would carry', async () => {
    const client = new InProcessClient('127.0.0.1', port);
    await expect(lastValueFrom(client.send('echo.fail', { meta: {}, data: {} }))).rejects.toMatchObject({
      status: 404,
      code: ErrorCode.NOT_FOUND,
      message: 'Nothing here',
    });
    await expect(lastValueFrom(client.send('echo.nobody', { meta: {}, data: {} }))).rejects.toMatch(/no matching message handler/);
  });

  it('answers request() as send() does: the same answer, the same plain errors, through the same guard', async () => {
    const client = createProxy(config(), { host: '127.0.0.1', port, weight: 1 });
    const message = { meta: {}, data: { when: new Date(1000), n: 3 } };
    const viaRequest = await client.request!('echo.data', message, () => undefined);
    expect(viaRequest).toEqual(await lastValueFrom(client.send('echo.data', message)));
    expect(viaRequest).toEqual({ got: { when: new Date(1000).toISOString(), n: 3 }, at: new Date(0).toISOString() });
    await expect(client.request!('echo.fail', { meta: {}, data: {} }, () => undefined)).rejects.toMatchObject({ status: 404, code: ErrorCode.NOT_FOUND });
    await expect(client.request!('echo.nobody', { meta: {}, data: {} }, () => undefined)).rejects.toMatch(/no matching message handler/);
  });

  it('still refuses messages from outside the process that carry no credential', async () => {
    const outsider = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    try {
      await expect(lastValueFrom(outsider.send('echo.data', { meta: {}, data: { n: 2 } }))).rejects.toMatchObject({
        status: 401,
        code: ErrorCode.SERVICE_UNAUTHENTICATED,
      });
    } finally {
      outsider.close();
    }
  });

  it('reports an address with no server in this process as a refused connection', async () => {
    const other = await freePort();
    expect(isInProcess('127.0.0.1', other)).toBe(false);
    const client = new InProcessClient('127.0.0.1', other);
    await expect(lastValueFrom(client.send('echo.data', { meta: {}, data: {} }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('is off when configured so: the server is not reachable in process', async () => {
    const offPort = await freePort();
    const off = withSettings(config(), { SERVICE_AUTH_IN_PROCESS: 'false' });
    const plain = await NestFactory.createMicroservice(EchoModule, { ...serverOptions(off, 'movie', offPort), logger: false });
    await plain.listen();
    try {
      expect(isInProcess('127.0.0.1', offPort)).toBe(false);
    } finally {
      await plain.close();
    }
    expect(isInProcess('127.0.0.1', port)).toBe(true);
  });
});
