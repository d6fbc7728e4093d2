import type { AppConfig, ServiceName } from '@app/config';

export interface InstanceSpec {
  host: string;
  port: number;
  weight: number;
}

/** `host:port[:weight],...` -> specs; empty falls back to the service's own host and port. */
function parseInstances(list: string, fallback: { host: string; port: number }): InstanceSpec[] {
  const trimmed = list.trim();
  if (!trimmed) return [{ host: fallback.host, port: fallback.port, weight: 1 }];
  return trimmed.split(',').map((item) => {
    const [host, port, weight] = item.trim().split(':');
    return { host, port: Number(port), weight: weight === undefined ? 1 : Math.max(1, Number(weight)) };
  });
}

export function formatInstances(specs: InstanceSpec[]): string {
  return specs.map((s) => `${s.host}:${s.port}:${s.weight}`).join(',');
}

export function instancesOf(config: AppConfig, service: ServiceName): InstanceSpec[] {
  const svc = config.services[service];
  return parseInstances(svc.instances, svc);
}
