import { ClientProxy, ClientProxyFactory, MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { AppConfig, ServiceName } from '@app/config';
import type { InstanceSpec } from './instances';
import { NatsClient, NatsServer } from './nats.transport';

/** NATS queue group shared by every instance of one service: NATS balances between them. */
export function natsQueue(service: ServiceName): string {
  return `${service}-service`;
}

export function serverOptions(config: AppConfig, service: ServiceName, port: number): MicroserviceOptions {
  if (config.transport === 'nats') {
    return { strategy: new NatsServer({ servers: [config.nats.url], queue: natsQueue(service) }, config.nats.subjectPrefix) };
  }
  return { transport: Transport.TCP, options: { host: config.services[service].bindHost, port } };
}

export function createProxy(config: AppConfig, instance: InstanceSpec | undefined): ClientProxy {
  if (config.transport === 'nats' || !instance) return new NatsClient([config.nats.url], config.nats.subjectPrefix);
  return ClientProxyFactory.create({ transport: Transport.TCP, options: { host: instance.host, port: instance.port } });
}
