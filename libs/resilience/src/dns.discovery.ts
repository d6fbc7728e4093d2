import { Logger } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import type { AppConfig, ServiceName } from '@app/config';
import { DiscoveryListener, DiscoverySource, RegistryRecord, validateRecord } from './discovery.types';

/** Answers that mean "the name exists (or not) and lists nobody": a complete, empty answer, not an outage. */
const EMPTY_ANSWER = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * REGISTRY=dns: for Kubernetes. Each service's `dnsName` is a headless Service: an A name lists the ready pods
 * (port from `services.<name>.port`, weight 1); an SRV name (`_rpc._tcp.movie-headless...`) also gives port and weight.
 * Kubernetes keeps the records; callers re-resolve every `registry.pollMs`.
 */
export class DnsDiscovery implements DiscoverySource {
  readonly kind = 'dns' as const;
  private readonly logger = new Logger('Registry:dns');
  private readonly resolver: Resolver;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly services: readonly ServiceName[],
  ) {
    this.resolver = new Resolver({ timeout: Math.max(200, Math.min(2000, config.registry.pollMs)), tries: 1 });
    if (config.registry.dnsServer) this.resolver.setServers([config.registry.dnsServer]);
    for (const s of services) {
      if (!config.services[s].dnsName) this.logger.warn(`services.${s}.dnsName is empty: no instance of ${s} can be found`);
    }
  }

  async start(listener: DiscoveryListener, firstAnswerWithinMs: number): Promise<void> {
    let first!: () => void;
    const answered = new Promise<void>((r) => (first = r));
    const poll = async () => {
      try {
        listener.seen(await this.resolveAll());
        first();
      } catch (err) {
        listener.unreachable((err as Error).message);
      } finally {
        if (!this.stopped) this.timer = setTimeout(() => void poll(), this.config.registry.pollMs);
      }
    };
    void poll();
    await Promise.race([answered, new Promise((r) => setTimeout(r, firstAnswerWithinMs).unref())]);
  }

  /** Every service's records; throws when the DNS server cannot be asked (callers then keep what they had). */
  async resolveAll(): Promise<RegistryRecord[]> {
    const lists = await Promise.all(this.services.map((s) => this.resolveService(s)));
    return lists.flat();
  }

  private async resolveService(service: ServiceName): Promise<RegistryRecord[]> {
    const name = this.config.services[service].dnsName;
    if (!name) return [];
    const raw: { host: string; port: unknown; weight: unknown; target?: string }[] = [];
    try {
      if (name.startsWith('_')) {
        for (const srv of await this.resolver.resolveSrv(name)) {
          // A target may be a name (a pod's DNS name) or already an address.
          const hosts = /^[\d.]+$/.test(srv.name) ? [srv.name] : await this.resolver.resolve4(srv.name).catch(() => [] as string[]);
          if (!hosts.length) this.warnOnce(`${name}/${srv.name}`, `SRV target ${srv.name} has no A record`);
          for (const host of hosts) raw.push({ host, port: srv.port, weight: srv.weight, target: srv.name });
        }
      } else {
        for (const host of await this.resolver.resolve4(name)) raw.push({ host, port: this.config.services[service].port, weight: 1 });
      }
    } catch (err) {
      if (EMPTY_ANSWER.has((err as { code?: string }).code ?? '')) return [];
      throw new Error(`cannot resolve ${name}: ${(err as { code?: string }).code ?? (err as Error).message}`, { cause: err });
    }
    const records: RegistryRecord[] = [];
    for (const r of raw) {
      const metadata: Record<string, string> = { host: r.host, port: String(r.port), weight: String(r.weight), dnsName: name };
      if (r.target) metadata.target = r.target;
      const record = validateRecord(
        { id: `${service}@${r.host}:${String(r.port)}`, service, ...r, version: 'unknown', metadata },
        this.services,
      );
      if (typeof record === 'string') this.warnOnce(`${name}/${r.host}:${String(r.port)}`, record);
      else records.push(record);
    }
    return records;
  }

  private warnOnce(key: string, reason: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(`ignoring DNS record ${key}: ${reason}`);
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.resolver.cancel();
    return Promise.resolve();
  }
}
