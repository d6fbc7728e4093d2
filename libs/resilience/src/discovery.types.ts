import type { ServiceName } from '@app/config';

export type RegistrySource = 'static' | 'nats' | 'dns';

/** One instance as a registry describes it, after validation. */
export interface RegistryRecord {
  /** Unique for one run of one instance: a restarted instance is a new record (and gets a fresh breaker). */
  id: string;
  service: ServiceName;
  host: string;
  port: number;
  weight: number;
  version: string;
  /** Everything the registry said about the instance, as announced. */
  metadata: Record<string, string>;
}

/** What a discovery source reports to the registry that follows it. */
export interface DiscoveryListener {
  /** A complete answer: every instance the registry knows right now (records it could not use already dropped). */
  seen(records: RegistryRecord[]): void;
  /** One instance said it is leaving (graceful stop): out of rotation at once, not after expiry. */
  left(id: string): void;
  /** The registry did not answer: callers keep their last known instances. */
  unreachable(reason: string): void;
}

export interface DiscoverySource {
  readonly kind: Exclude<RegistrySource, 'static'>;
  /** Starts polling; resolves after the first answer (or after `firstAnswerWithinMs`, so start-up never hangs on the registry). */
  start(listener: DiscoveryListener, firstAnswerWithinMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Checks one raw record against what the caller can use. Returns the record or why it was refused:
 * a bad record (unknown service, bad port, weight <= 0) is ignored with a warning, never trusted.
 */
export function validateRecord(
  raw: {
    id?: unknown;
    service?: unknown;
    host?: unknown;
    port?: unknown;
    weight?: unknown;
    version?: unknown;
    metadata?: Record<string, string>;
  },
  known: readonly ServiceName[],
): RegistryRecord | string {
  const id = typeof raw.id === 'string' && raw.id ? raw.id : undefined;
  if (!id) return 'no instance id';
  const service = typeof raw.service === 'string' ? raw.service : '';
  if (!known.includes(service as ServiceName)) return `unknown service "${service}"`;
  const host = typeof raw.host === 'string' ? raw.host.trim() : '';
  if (!host || /[\s/]/.test(host)) return `bad host "${String(raw.host)}"`;
  const port = Number(raw.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `bad port "${String(raw.port)}"`;
  const weight = raw.weight === undefined || raw.weight === '' ? 1 : Number(raw.weight);
  if (!Number.isInteger(weight) || weight <= 0 || weight > 1000) return `bad weight "${String(raw.weight)}"`;
  return {
    id,
    service: service as ServiceName,
    host,
    port,
    weight,
    version: typeof raw.version === 'string' ? raw.version : 'unknown',
    metadata: raw.metadata ?? {},
  };
}
