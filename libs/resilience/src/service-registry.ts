import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig, ServiceName } from '@app/config';
import { InstanceClient } from './instance-client';
import { InstanceSpec, instancesOf } from './instances';
import type { ResilienceOptions } from './resilience-options';
import { ServiceClient, ServiceStatus } from './service-client';
import { createProxy } from './transport';

/** The service's own `services.<name>.resilience` values over the global defaults. */
export function resilienceFor(config: AppConfig, service: ServiceName): ResilienceOptions {
  return { ...config.resilience, ...config.services[service].resilience };
}

/** Over NATS the queue group balances between instances: one client (and breaker) per service, addressed by the NATS server. */
function natsSpec(url: string): InstanceSpec {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 4222), weight: 1 };
}

/** The resilient clients of one app, one per service it talks to. */
@Injectable()
export class ServiceRegistry implements OnApplicationShutdown {
  private readonly clients = new Map<ServiceName, ServiceClient>();

  constructor(config: AppConfig, services: readonly ServiceName[]) {
    for (const name of services) {
      const options = resilienceFor(config, name);
      const instances =
        config.transport === 'nats'
          ? [new InstanceClient(name, `${name}-nats`, natsSpec(config.nats.url), createProxy(config, undefined), options)]
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
