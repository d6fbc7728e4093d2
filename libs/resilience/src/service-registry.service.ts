import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { AppConfig, ServiceName } from '@app/config';
import { DiscoveryListener, DiscoverySource, RegistryRecord, RegistrySource } from './discovery.types';
import { DnsDiscovery } from './dns.discovery';
import { InstanceClient, InstanceStatus } from './instance.client';
import { InstanceSpec, instancesOf } from './instances.util';
import { NatsDiscovery } from './nats.discovery';
import type { ResilienceOptions } from './resilience-options.types';
import { ServiceClient, ServiceStatus } from './service.client';
import { createProxy } from './transport.util';

/** The service's own `services.<name>.resilience` values over the global defaults. */
export function resilienceFor(config: AppConfig, service: ServiceName): ResilienceOptions {
  return { ...config.resilience, ...config.services[service].resilience };
}

/** Over NATS the queue group balances between instances: one client (and breaker) per service, addressed by the NATS server. */
function natsSpec(url: string): InstanceSpec {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 4222), weight: 1 };
}

interface RegisteredInstanceStatus extends InstanceStatus {
  /** Where the caller learnt of this instance. */
  source: RegistrySource;
  /** What the registry said about it (host, port, weight, version, instance id as announced). */
  metadata: Record<string, string>;
  /** When the registry last listed it (static instances: when the caller started). */
  lastSeen: string;
}

interface RegistryState {
  source: RegistrySource;
  /** False while the registry does not answer: the instances shown are the last known ones. */
  reachable: boolean;
  lastAnswer: string | null;
  lastError: string | null;
}

interface RegisteredServiceStatus extends ServiceStatus {
  registry: RegistryState;
  instances: RegisteredInstanceStatus[];
}

interface Tracked {
  record: RegistryRecord;
  client: InstanceClient;
  lastSeen: number;
}

/**
 * The resilient clients of one app, one per service it talks to, and the instances behind each.
 * REGISTRY=static: the configured list, fixed. REGISTRY=nats|dns (TCP transport): instances follow the registry as
 * they come and go; each keeps its own breaker, bulkhead and timeout while it is listed, and loses them when it leaves.
 */
@Injectable()
export class ServiceRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Registry');
  private readonly clients = new Map<ServiceName, ServiceClient>();
  private readonly tracked = new Map<ServiceName, Map<string, Tracked>>();
  /** Instances that said they leave, by id, with when: kept for expireMs. */
  private readonly departed = new Map<string, number>();
  private readonly startedAt = new Date().toISOString();
  private readonly source?: DiscoverySource;
  private readonly state: RegistryState;

  constructor(
    private readonly config: AppConfig,
    services: readonly ServiceName[],
  ) {
    const mode = config.registry.mode;
    // Over NATS the queue group already follows the instances; the registry then only announces them (nats micro ls).
    const dynamic = mode !== 'static' && config.transport === 'tcp';
    this.state = { source: dynamic ? mode : 'static', reachable: true, lastAnswer: null, lastError: null };
    for (const name of services) {
      const options = resilienceFor(config, name);
      const instances = dynamic
        ? []
        : config.transport === 'nats'
          ? [new InstanceClient(name, `${name}-nats`, natsSpec(config.nats.url), createProxy(config, undefined), options)]
          : instancesOf(config, name).map(
              (spec, index) => new InstanceClient(name, `${name}-${index + 1}`, spec, createProxy(config, spec), options),
            );
      this.clients.set(name, new ServiceClient(name, config.transport, instances, options));
      this.tracked.set(name, new Map());
    }
    if (dynamic && services.length > 0)
      this.source = mode === 'nats' ? new NatsDiscovery(config, services) : new DnsDiscovery(config, services);
  }

  /** Waits for the registry's first answer (bounded), so that a caller starting next to running instances is ready at once. */
  async onModuleInit(): Promise<void> {
    if (!this.source) return;
    await this.source.start(this.listener(), Math.max(2000, 4 * this.config.registry.pollMs));
  }

  private listener(): DiscoveryListener {
    return {
      seen: (records) => this.seen(records),
      left: (id) => {
        this.departed.set(id, Date.now());
        for (const [service, entries] of this.tracked) {
          const entry = entries.get(id);
          if (entry) this.remove(service, entry, 'said it is leaving');
        }
      },
      unreachable: (reason) => {
        this.state.lastError = reason;
        if (!this.state.reachable) return;
        this.state.reachable = false;
        const known = [...this.tracked.values()].reduce((n, m) => n + m.size, 0);
        this.logger.warn(`${this.state.source} registry unreachable (${reason}): keeping the ${known} last known instances`);
      },
    };
  }

  private seen(records: RegistryRecord[]): void {
    const now = Date.now();
    if (!this.state.reachable) this.logger.log(`${this.state.source} registry answers again`);
    this.state.reachable = true;
    this.state.lastError = null;
    this.state.lastAnswer = new Date(now).toISOString();
    const changed = new Set<ServiceName>();
    for (const [id, at] of this.departed) if (now - at > this.config.registry.expireMs) this.departed.delete(id);
    for (const record of records) {
      // An answer collected just before an instance said goodbye must not bring it back.
      if (this.departed.has(record.id)) continue;
      const entries = this.tracked.get(record.service);
      if (!entries) continue; // a service this app never calls
      const entry = entries.get(record.id);
      if (entry && entry.record.host === record.host && entry.record.port === record.port) {
        if (entry.record.weight !== record.weight) {
          entry.client.spec.weight = record.weight;
          changed.add(record.service);
        }
        entry.record = record;
        entry.lastSeen = now;
        continue;
      }
      if (entry) this.remove(record.service, entry, 'moved');
      const spec: InstanceSpec = { host: record.host, port: record.port, weight: record.weight };
      const options = resilienceFor(this.config, record.service);
      const client = new InstanceClient(record.service, `${record.host}:${record.port}`, spec, createProxy(this.config, spec), options);
      entries.set(record.id, { record, client, lastSeen: now });
      changed.add(record.service);
      this.logger.log(`${record.service} instance ${record.host}:${record.port} (weight ${record.weight}) joined via ${this.state.source}`);
    }
    for (const service of changed) this.publish(service);
    // A killed instance never says goodbye: it leaves once complete answers have not listed it for expireMs. Only
    // answers expire anything, so while the registry cannot be asked the last known instances stay.
    for (const [service, entries] of this.tracked) {
      for (const entry of entries.values()) {
        if (now - entry.lastSeen > this.config.registry.expireMs) this.remove(service, entry, `not listed for ${now - entry.lastSeen} ms`);
      }
    }
  }

  private remove(service: ServiceName, entry: Tracked, why: string): void {
    const entries = this.tracked.get(service)!;
    if (entries.get(entry.record.id) !== entry) return;
    entries.delete(entry.record.id);
    this.publish(service);
    this.logger.log(`${service} instance ${entry.record.host}:${entry.record.port} left rotation (${why})`);
    // Calls already sent keep their connection until they are answered; new calls no longer pick this instance.
    setTimeout(() => void entry.client.close().catch(() => undefined), this.config.resilience.callTimeoutMs).unref();
  }

  private publish(service: ServiceName): void {
    this.clients.get(service)!.setInstances([...this.tracked.get(service)!.values()].map((e) => e.client));
  }

  client(name: ServiceName): ServiceClient {
    const client = this.clients.get(name);
    if (!client) throw new Error(`No client configured for the ${name} service`);
    return client;
  }

  names(): ServiceName[] {
    return [...this.clients.keys()];
  }

  /** The registry as this app sees it: for readiness details and logs. */
  registryState(): RegistryState {
    return { ...this.state };
  }

  status(): RegisteredServiceStatus[] {
    return [...this.clients.entries()].map(([name, client]) => {
      const base = client.status();
      const byClient = new Map([...this.tracked.get(name)!.values()].map((e) => [e.client, e]));
      return {
        ...base,
        registry: this.registryState(),
        instances: client.instances.map((instance, k) => {
          const entry = byClient.get(instance);
          return {
            ...base.instances[k],
            source: entry ? this.state.source : 'static',
            metadata: entry
              ? entry.record.metadata
              : { host: instance.spec.host, port: String(instance.spec.port), weight: String(instance.spec.weight) },
            lastSeen: entry ? new Date(entry.lastSeen).toISOString() : this.startedAt,
          };
        }),
      };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.source?.stop();
    await Promise.all([...this.clients.values()].map((c) => c.close()));
  }
}
