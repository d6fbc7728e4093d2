import { ClientProxy, ClientProxyFactory, MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { AppConfig, ServiceName } from '@app/config';
import type { InstanceSpec } from './instances';

/** NATS queue group shared by every instance of one service: NATS balances between them. */
export function natsQueue(service: ServiceName): string {
  return `${service}-service`;
}

export function serverOptions(config: AppConfig, service: ServiceName, port: number): MicroserviceOptions {
  if (config.transport === 'nats') {
    return { transport: Transport.NATS, options: { servers: [config.nats.url], queue: natsQueue(service) } };
  }
  return { transport: Transport.TCP, options: { host: config.services[service].bindHost, port } };
}

export function createProxy(config: AppConfig, instance: InstanceSpec | undefined): ClientProxy {
  if (config.transport === 'nats' || !instance) {
    return ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [config.nats.url] } });
  }
  return ClientProxyFactory.create({ transport: Transport.TCP, options: { host: instance.host, port: instance.port } });
}
