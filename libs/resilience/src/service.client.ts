import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError } from 'cockatiel';
import { AppError } from '@app/common';
import type { Span } from '@opentelemetry/api';
import { currentRequestId, endSpan, SpanKind, startChildSpan, traceParentOf } from '@app/observability';
import { RpcEnvelope } from '@app/contracts';
import { isFailure, neverReachedServer, toCallerError } from './errors.util';
import { InstanceClient, InstanceStatus, OperationGroup } from './instance.client';
import type { ResilienceOptions } from './resilience-options.types';
import { rendezvous } from './rendezvous.util';
import { SmoothWeightedRoundRobin } from './weighted-round-robin.util';

export interface CallOptions<T> {
  /** Reads only: retried with backoff, on another instance when there is one. */
  idempotent?: boolean;
  /** The lane (own bulkhead and breaker per instance) the call runs in; idempotent calls default to 'read', others to 'write'. */
  group?: OperationGroup;
  /** The request this call is part of (the gateway's `x-request-id`); else the carried context's, when there is one. */
  requestId?: string;
  /** The caller's access token, passed on for services that verify it again. */
  token?: string;
  /** A declared fallback, used when the service cannot answer (never for a business error). */
  fallback?: (error: AppError) => T | Promise<T>;
  /** Tags the caller already holds (HTTP If-None-Match), for reads that answer CachedRead. */
  ifNoneMatch?: string[];
  /** The HTTP client's address, for services that limit per client (the auth service's failed-login throttle). */
  clientIp?: string;
  /**
   * Calls with the same key go to the same instance while it can take them (weighted rendezvous hashing, the same
   * choice in every gateway): the writes of one movie meet in one instance's write batches and aggregate deltas
   * instead of two instances contending for one database writer.
   */
  affinity?: string;
}

export interface ServiceStatus {
  name: string;
  transport: 'tcp' | 'nats';
  instances: InstanceStatus[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What stopped an attempt, for its span event. */
function refusal(err: unknown): string {
  if (err instanceof BrokenCircuitError) return 'breaker-open';
  if (err instanceof IsolatedCircuitError) return 'breaker-isolated';
  if (err instanceof BulkheadRejectedError) return 'bulkhead-full';
  if (err instanceof Error) return err.name;
  return 'failure';
}

function rejectedWithoutRunning(err: unknown): boolean {
  return err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError || err instanceof BulkheadRejectedError;
}

/** Every cross-service call goes through here: balancing, breakers, timeouts, retries for reads, fallbacks. */
export class ServiceClient {
  private balancer!: SmoothWeightedRoundRobin<InstanceClient & { weight: number }>;

  constructor(
    readonly name: string,
    readonly transport: 'tcp' | 'nats',
    public instances: InstanceClient[],
    private readonly options: ResilienceOptions,
  ) {
    this.setInstances(instances);
  }

  /** The registry saw instances come or go (or a weight change): calls picked from now on follow the new set. */
  setInstances(instances: InstanceClient[]): void {
    this.instances = instances;
    this.balancer = new SmoothWeightedRoundRobin(instances.map((i) => Object.assign(i, { weight: i.spec.weight })));
  }

  async send<T>(pattern: string, data: unknown, options: CallOptions<T> = {}): Promise<T> {
    const idempotent = options.idempotent ?? false;
    const group = options.group ?? (idempotent ? 'read' : 'write');
    // Tracing off: no span, nothing else (one check). Calls outside a request (readiness checks, start-up repairs)
    // start no trace of their own.
    const span = startChildSpan(`${this.name} ${pattern}`, SpanKind.CLIENT, {
      'rpc.system': this.transport === 'nats' ? 'nats' : 'nest_tcp',
      'rpc.service': this.name,
      'rpc.method': pattern,
      'resilience.group': group,
    });
    try {
      const result = await this.dispatch<T>(
        pattern,
        {
          meta: {
            requestId: options.requestId ?? currentRequestId(),
            token: options.token,
            ifNoneMatch: options.ifNoneMatch,
            clientIp: options.clientIp,
            ...(span ? { traceparent: traceParentOf(span) } : {}),
          },
          data,
        },
        idempotent,
        group,
        options.affinity,
        span,
      );
      endSpan(span);
      return result;
    } catch (err) {
      const error = toCallerError(this.name, err);
      if (options.fallback && error.status >= 500) {
        span?.addEvent('fallback', { 'error.code': error.code });
        endSpan(span);
        return options.fallback(error);
      }
      endSpan(span, error);
      throw error;
    }
  }

  private async dispatch<T>(
    pattern: string,
    envelope: RpcEnvelope,
    idempotent: boolean,
    group: OperationGroup,
    affinity?: string,
    span?: Span,
  ): Promise<T> {
    const attempts = idempotent ? 1 + this.options.retryAttempts : 1;
    const tried = new Set<InstanceClient>();
    const refused = new Set<InstanceClient>();
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts;) {
      const instance = this.pick(tried, refused, group, affinity);
      if (!instance) break;
      tried.add(instance);
      // The breaker's decision for this attempt: the lane's state as the call goes in.
      span?.addEvent('attempt', { 'resilience.instance': instance.id, 'resilience.breaker.state': instance.laneState(group) });
      try {
        return await instance.send<T>(pattern, envelope, group);
      } catch (err) {
        lastError = err;
        if (!isFailure(err)) throw err;
        // A call refused by the breaker, the bulkhead or the socket never ran: another instance may take it, even a write.
        if (rejectedWithoutRunning(err) || neverReachedServer(err)) {
          span?.addEvent('refused', { 'resilience.instance': instance.id, 'resilience.reason': refusal(err) });
          refused.add(instance);
          continue;
        }
        attempt++;
        if (attempt < attempts) {
          const delay = this.options.retryDelayMs * Math.pow(2, attempt - 1);
          span?.addEvent('retry', { 'resilience.attempt': attempt + 1, 'resilience.delay_ms': delay, 'error.type': refusal(err) });
          await sleep(delay);
        }
      }
    }
    if (lastError === undefined || rejectedWithoutRunning(lastError)) {
      if (lastError === undefined) for (const i of this.instances) if (!i.isAvailable(Date.now(), group)) i.recordRejected(group);
      span?.addEvent('breaker.open', { 'resilience.instances': this.instances.length });
      throw AppError.unavailable(`The ${this.name} service is unavailable`, this.retryAfterSec(group));
    }
    // The last answer as it came (an RPC error is a plain { status, code, message } object, classified above).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw lastError;
  }

  /** The key's instance when it can take the call, else the next by weight among available ones, preferring one not tried yet. */
  private pick(
    tried: Set<InstanceClient>,
    refused: Set<InstanceClient>,
    group: OperationGroup,
    affinity?: string,
  ): InstanceClient | undefined {
    const now = Date.now();
    const usable = (i: InstanceClient) => !refused.has(i) && i.isAvailable(now, group);
    if (affinity !== undefined && this.instances.length > 1) {
      const owner = rendezvous(
        affinity,
        this.instances,
        (i) => `${i.spec.host}:${i.spec.port}`,
        (i) => i.spec.weight,
      );
      if (owner && !tried.has(owner) && usable(owner)) return owner;
    }
    return this.balancer.next((i) => usable(i) && !tried.has(i)) ?? this.balancer.next(usable);
  }

  retryAfterSec(group: OperationGroup = 'write'): number {
    const wait = Math.min(...this.instances.map((i) => i.msUntilTrial(Date.now(), group)));
    return Number.isFinite(wait) ? Math.max(1, Math.ceil(wait / 1000)) : 30;
  }

  status(): ServiceStatus {
    return { name: this.name, transport: this.transport, instances: this.instances.map((i) => i.status()) };
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.close()));
  }
}
