import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig, ServiceName } from '@app/config';
import { InstanceClient } from './instance-client';
import { instancesOf } from './instances';
import { ServiceClient, ServiceStatus } from './service-client';
import { createProxy } from './transport';

/** The resilient clients of one app, one per service it talks to. */
@Injectable()
export class ServiceRegistry implements OnApplicationShutdown {
  private readonly clients = new Map<ServiceName, ServiceClient>();

  constructor(config: AppConfig, services: readonly ServiceName[]) {
    const options = config.resilience;
    for (const name of services) {
      const instances =
        config.transport === 'nats'
          ? [new InstanceClient(name, 'nats', { host: config.nats.url, port: 0, weight: 1 }, createProxy(config, undefined), options)]
          : instancesOf(config, name).map(
              (spec, index) => new InstanceClient(name, `${name}-${index + 1}`, spec, createProxy(config, spec), options),
            );
      this.clients.set(name, new ServiceClient(name, config.transport, instances, options));
    }
  }

  client(name: ServiceName): ServiceClient {
    const client = this.clients.get(name);
    if (!client) throw new Error(`No client configured for the ${name} service`);
    return client;
  }

  names(): ServiceName[] {
    return [...this.clients.keys()];
  }

  status(): ServiceStatus[] {
    return [...this.clients.values()].map((c) => c.status());
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
  }
}
