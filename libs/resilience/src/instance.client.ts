import { Logger } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  IBackoff,
  IBackoffFactory,
  IsolatedCircuitError,
  SamplingBreaker,
  TaskCancelledError,
  wrap,
  IPolicy,
} from 'cockatiel';
import { counter, gauge, histogram } from '@app/observability';
import { CallTimeoutError, isBusinessError, isFailure } from './errors.util';
import type { InstanceSpec } from './instances.util';
import type { ResilienceOptions } from './resilience-options.types';

type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Calls of one instance run in separate lanes by operation group, each with its own bulkhead and breaker: slow or
 * queued writes (a hot movie's ratings) can fill and open only the write lane, never the one catalog reads use.
 */
const OPERATION_GROUPS = ['read', 'write'] as const;
export type OperationGroup = (typeof OPERATION_GROUPS)[number];

const breakerState = gauge(
  'resilience_breaker_state',
  'Circuit breaker state per instance and operation group (0 closed, 1 open, 2 half-open, 3 isolated)',
  ['service', 'instance', 'group'],
);
const calls = counter('resilience_calls_total', 'Calls per instance by outcome', ['service', 'instance', 'outcome']);
const latency = histogram(
  'resilience_call_duration_seconds',
  'Call latency per instance',
  ['service', 'instance'],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
);

/** Exponential half-open delay we can also read back, to say when an open breaker may be retried. */
class ResetBackoff implements IBackoffFactory<unknown> {
  constructor(private readonly options: ResilienceOptions) {}
  delayFor(attempt: number): number {
    const { resetTimeoutMs, resetBackoffFactor, resetTimeoutMaxMs } = this.options;
    return Math.min(resetTimeoutMaxMs, resetTimeoutMs * Math.pow(resetBackoffFactor, Math.max(0, attempt - 1)));
  }
  next(): IBackoff<unknown> {
    const step = (attempt: number): IBackoff<unknown> => ({ duration: this.delayFor(attempt), next: () => step(attempt + 1) });
    return step(1);
  }
}

export interface CallCounts {
  success: number;
  failure: number;
  timeout: number;
  rejected: number;
}

interface LaneStatus {
  state: BreakerStateName;
  inFlight: number;
  calls: CallCounts;
  lastStateChange: string | null;
}

/** The instance's figures are its lanes' together; `state` is the worst lane's. */
export interface InstanceStatus extends InstanceSpec, LaneStatus {
  id: string;
  groups: Record<OperationGroup, LaneStatus>;
}

const SEVERITY: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

/**
 * A call's time limit, inside the breaker: settles as the call does, or rejects with cockatiel's TaskCancelledError
 * after `ms` and abandons the call (what the call registered: an Observable's unsubscribe). One timer per call and no
 * AbortController: cockatiel's timeout policy derives a controller per call and hangs listeners on the signals:
 * bulkhead + breaker + limit measured 14-15 us per call with it, 0.6-0.9 us with this (issue 24, 50 calls in flight).
 */
export function withinDeadline<T>(ms: number, call: (onAbandon: (abandon: () => void) => void) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let abandon: (() => void) | undefined;
    const timer = setTimeout(() => {
      abandon?.();
      reject(new TaskCancelledError(`Operation timed out after ${ms}ms`));
    }, ms);
    const fail = (err: unknown) => {
      clearTimeout(timer);
      // RPC errors arrive as plain objects; errors.ts classifies them as they are.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(err);
    };
    try {
      call((a) => (abandon = a)).then((value) => {
        clearTimeout(timer);
        resolve(value);
      }, fail);
    } catch (err) {
      fail(err);
    }
  });
}

/** One operation group's bulkhead -> breaker (cockatiel) -> deadline on one instance. */
class Lane {
  readonly breaker: CircuitBreakerPolicy;
  readonly policy: IPolicy;
  inFlight = 0;
  lastStateChange: Date | null = null;
  readonly counts: CallCounts = { success: 0, failure: 0, timeout: 0, rejected: 0 };

  constructor(
    readonly backoff: ResetBackoff,
    options: ResilienceOptions,
    onStateChange: (state: CircuitState) => void,
  ) {
    const breakerImpl =
      options.breaker === 'sampling'
        ? new SamplingBreaker({
            threshold: options.samplingThreshold,
            duration: options.samplingDurationMs,
            minimumRps: options.samplingMinimumRps,
          })
        : new ConsecutiveBreaker(options.maxFailures);
    this.breaker = circuitBreaker(handleWhen(isFailure), { halfOpenAfter: backoff, breaker: breakerImpl });
    this.policy = wrap(bulkhead(options.maxConcurrent, options.maxQueue), this.breaker);
    this.breaker.onStateChange((state) => {
      this.lastStateChange = new Date();
      onStateChange(state);
    });
  }

  msUntilTrial(now: number): number {
    if (this.breaker.state !== CircuitState.Open) return this.breaker.state === CircuitState.Isolated ? Infinity : 0;
    const { ownState } = this.breaker.toJSON() as { ownState: { openedAt: number; attemptNo: number } };
    return Math.max(0, ownState.openedAt + this.backoff.delayFor(ownState.attemptNo) - now);
  }

  status(): LaneStatus {
    return {
      state: STATE_NAMES[this.breaker.state],
      inFlight: this.inFlight,
      calls: { ...this.counts },
      lastStateChange: this.lastStateChange?.toISOString() ?? null,
    };
  }
}

/**
 * What an instance needs of a Nest transport client (Nest's ClientProxy subclasses differ in their event and status
 * types); `request` where it can answer a call without an Observable (the in-process channel).
 */
export type RpcClient = Pick<ClientProxy, 'send' | 'close'> & {
  /** `onAbandon` receives what stops waiting for the answer, for a deadline that passes first. */
  request?<T>(pattern: string, data: unknown, onAbandon: (abandon: () => void) => void): Promise<T>;
};

/** A call over a client's Observable: its last value answers; abandoning it unsubscribes. */
export function requestOver<T>(client: RpcClient, pattern: string, data: unknown, onAbandon: (abandon: () => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let value: T | undefined;
    const subscription = client.send<T>(pattern, data).subscribe({
      next: (v) => (value = v),
      // RPC errors arrive as plain objects; errors.ts classifies them as they are.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      error: (e: unknown) => reject(e),
      complete: () => resolve(value as T),
    });
    onAbandon(() => subscription.unsubscribe());
  });
}

/** One instance of a service: its transport client behind one lane (bulkhead -> breaker -> timeout) per operation group. */
export class InstanceClient {
  private readonly lanes: Record<OperationGroup, Lane>;
  private readonly logger: Logger;
  /** Metric children bound once: resolving label objects on every call is measurable on the hot path. */
  private readonly latencyOf: { observe(seconds: number): void };
  private readonly callsOf: Record<keyof CallCounts, { inc(): void }>;

  constructor(
    readonly service: string,
    readonly id: string,
    readonly spec: InstanceSpec,
    private readonly proxy: RpcClient,
    private readonly options: ResilienceOptions,
  ) {
    this.logger = new Logger(`Resilience:${service}`);
    const backoff = new ResetBackoff(options);
    const lane = (group: OperationGroup) => {
      breakerState.set({ service, instance: id, group }, 0);
      return new Lane(backoff, options, (state) => {
        breakerState.set({ service, instance: id, group }, Number(state));
        const line = `breaker ${this.service}/${this.id} (${spec.host}:${spec.port}) ${group}s is ${STATE_NAMES[state]}`;
        if (state === CircuitState.Open) this.logger.warn(line);
        else this.logger.log(line);
      });
    };
    this.lanes = { read: lane('read'), write: lane('write') };
    this.latencyOf = latency.labels(service, id);
    this.callsOf = {
      success: calls.labels(service, id, 'success'),
      failure: calls.labels(service, id, 'failure'),
      timeout: calls.labels(service, id, 'timeout'),
      rejected: calls.labels(service, id, 'rejected'),
    };
  }

  /** The worst state among the lanes. */
  get state(): BreakerStateName {
    return OPERATION_GROUPS.map((g) => this.lane(g).status().state).reduce((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a));
  }

  /** Call outcomes over every lane. */
  get counts(): CallCounts {
    return this.status().calls;
  }

  breaker(group: OperationGroup = 'write'): CircuitBreakerPolicy {
    return this.lane(group).breaker;
  }

  /** The group's breaker state (closed, open, half-open, isolated). */
  laneState(group: OperationGroup): BreakerStateName {
    return STATE_NAMES[this.lane(group).breaker.state];
  }

  /** Milliseconds until the group's open breaker lets a trial call through (0 when calls may go now). */
  msUntilTrial(now = Date.now(), group: OperationGroup = 'write'): number {
    return this.lane(group).msUntilTrial(now);
  }

  /** Closed, or open long enough for a trial; a half-open breaker already running its trial would only queue the call. */
  isAvailable(now = Date.now(), group: OperationGroup = 'write'): boolean {
    const lane = this.lane(group);
    if (lane.breaker.state === CircuitState.HalfOpen) return lane.inFlight === 0;
    return lane.msUntilTrial(now) === 0;
  }

  status(): InstanceStatus {
    const groups = { read: this.lanes.read.status(), write: this.lanes.write.status() };
    const all = Object.values(groups);
    const sum = (key: keyof CallCounts) => all.reduce((n, g) => n + g.calls[key], 0);
    const changes = all.map((g) => g.lastStateChange).filter((c): c is string => c !== null);
    return {
      id: this.id,
      ...this.spec,
      state: this.state,
      inFlight: all.reduce((n, g) => n + g.inFlight, 0),
      calls: { success: sum('success'), failure: sum('failure'), timeout: sum('timeout'), rejected: sum('rejected') },
      lastStateChange: changes.sort().at(-1) ?? null,
      groups,
    };
  }

  async send<T>(pattern: string, payload: unknown, group: OperationGroup = 'write'): Promise<T> {
    const lane = this.lane(group);
    const started = process.hrtime.bigint();
    lane.inFlight++;
    try {
      const result = await lane.policy.execute(() => withinDeadline(this.options.callTimeoutMs, (onAbandon) => this.request<T>(pattern, payload, onAbandon)));
      this.record(lane, 'success');
      return result;
    } catch (err) {
      if (err instanceof TaskCancelledError) {
        this.record(lane, 'timeout');
        throw new CallTimeoutError(this.options.callTimeoutMs);
      }
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError || err instanceof BulkheadRejectedError) {
        this.record(lane, 'rejected');
      } else if (isBusinessError(err)) {
        this.record(lane, 'success');
      } else {
        this.record(lane, 'failure');
      }
      throw err;
    } finally {
      lane.inFlight--;
      this.latencyOf.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** A call the service client turned away without trying this instance, because its breaker is open. */
  recordRejected(group: OperationGroup = 'write'): void {
    this.record(this.lane(group), 'rejected');
  }

  private lane(group: OperationGroup): Lane {
    return this.lanes[group] ?? this.lanes.write;
  }

  private record(lane: Lane, outcome: keyof CallCounts): void {
    lane.counts[outcome]++;
    this.callsOf[outcome].inc();
  }

  private request<T>(pattern: string, payload: unknown, onAbandon: (abandon: () => void) => void): Promise<T> {
    return this.proxy.request ? this.proxy.request<T>(pattern, payload, onAbandon) : requestOver<T>(this.proxy, pattern, payload, onAbandon);
  }

  close(): Promise<void> {
    return Promise.resolve(this.proxy.close()).then(() => undefined);
  }
}
