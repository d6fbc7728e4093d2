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
  timeout,
  TimeoutStrategy,
  wrap,
  IPolicy,
} from 'cockatiel';
import { counter, gauge, histogram } from '@app/observability';
import { CallTimeoutError, isBusinessError, isFailure } from './errors';
import type { InstanceSpec } from './instances';
import type { ResilienceOptions } from './resilience-options';

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

const breakerState = gauge('resilience_breaker_state', 'Circuit breaker state per instance (0 closed, 1 open, 2 half-open, 3 isolated)', [
  'service',
  'instance',
]);
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

export interface InstanceStatus extends InstanceSpec {
  id: string;
  state: BreakerStateName;
  inFlight: number;
  calls: CallCounts;
  lastStateChange: string | null;
}

/** One instance of a service: its transport client behind bulkhead -> breaker -> timeout. */
export class InstanceClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly backoff: ResetBackoff;
  private readonly logger: Logger;
  private inFlight = 0;
  /** Metric children bound once: resolving label objects on every call is measurable on the hot path. */
  private readonly latencyOf: { observe(seconds: number): void };
  private readonly callsOf: Record<keyof CallCounts, { inc(): void }>;
  private lastStateChange: Date | null = null;
  readonly counts: CallCounts = { success: 0, failure: 0, timeout: 0, rejected: 0 };

  constructor(
    readonly service: string,
    readonly id: string,
    readonly spec: InstanceSpec,
    private readonly proxy: ClientProxy,
    private readonly options: ResilienceOptions,
  ) {
    this.logger = new Logger(`Resilience:${service}`);
    this.backoff = new ResetBackoff(options);
    const breakerImpl =
      options.breaker === 'sampling'
        ? new SamplingBreaker({
            threshold: options.samplingThreshold,
            duration: options.samplingDurationMs,
            minimumRps: options.samplingMinimumRps,
          })
        : new ConsecutiveBreaker(options.maxFailures);
    this.breaker = circuitBreaker(handleWhen(isFailure), { halfOpenAfter: this.backoff, breaker: breakerImpl });
    this.policy = wrap(
      bulkhead(options.maxConcurrent, options.maxQueue),
      this.breaker,
      timeout(options.callTimeoutMs, TimeoutStrategy.Aggressive),
    );
    breakerState.set({ service, instance: id }, 0);
    this.latencyOf = latency.labels(service, id);
    this.callsOf = {
      success: calls.labels(service, id, 'success'),
      failure: calls.labels(service, id, 'failure'),
      timeout: calls.labels(service, id, 'timeout'),
      rejected: calls.labels(service, id, 'rejected'),
    };
    this.breaker.onStateChange((state) => {
      this.lastStateChange = new Date();
      breakerState.set({ service, instance: id }, Number(state));
      const line = `breaker ${this.service}/${this.id} (${spec.host}:${spec.port}) is ${STATE_NAMES[state]}`;
      if (state === CircuitState.Open) this.logger.warn(line);
      else this.logger.log(line);
    });
  }

  get state(): BreakerStateName {
    return STATE_NAMES[this.breaker.state];
  }

  /** Milliseconds until an open breaker lets a trial call through (0 when calls may go now). */
  msUntilTrial(now = Date.now()): number {
    if (this.breaker.state !== CircuitState.Open) return this.breaker.state === CircuitState.Isolated ? Infinity : 0;
    const { ownState } = this.breaker.toJSON() as { ownState: { openedAt: number; attemptNo: number } };
    return Math.max(0, ownState.openedAt + this.backoff.delayFor(ownState.attemptNo) - now);
  }

  /** Closed, or open long enough for a trial; a half-open breaker already running its trial would only queue the call. */
  isAvailable(now = Date.now()): boolean {
    if (this.breaker.state === CircuitState.HalfOpen) return this.inFlight === 0;
    return this.msUntilTrial(now) === 0;
  }

  status(): InstanceStatus {
    return {
      id: this.id,
      ...this.spec,
      state: this.state,
      inFlight: this.inFlight,
      calls: { ...this.counts },
      lastStateChange: this.lastStateChange?.toISOString() ?? null,
    };
  }

  async send<T>(pattern: string, payload: unknown): Promise<T> {
    const started = process.hrtime.bigint();
    this.inFlight++;
    try {
      // A signal per call: cockatiel's shared default signal would collect one listener per concurrent call.
      const result = await this.policy.execute(({ signal }) => this.request<T>(pattern, payload, signal), new AbortController().signal);
      this.record('success');
      return result;
    } catch (err) {
      if (err instanceof TaskCancelledError) {
        this.record('timeout');
        throw new CallTimeoutError(this.options.callTimeoutMs);
      }
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError || err instanceof BulkheadRejectedError) {
        this.record('rejected');
      } else if (isBusinessError(err)) {
        this.record('success');
      } else {
        this.record('failure');
      }
      throw err;
    } finally {
      this.inFlight--;
      this.latencyOf.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** A call the service client turned away without trying this instance, because its breaker is open. */
  recordRejected(): void {
    this.record('rejected');
  }

  private record(outcome: keyof CallCounts): void {
    this.counts[outcome]++;
    this.callsOf[outcome].inc();
  }

  private request<T>(pattern: string, payload: unknown, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let value: T | undefined;
      const subscription = this.proxy.send<T>(pattern, payload).subscribe({
        next: (v) => (value = v),
        error: (e: unknown) => reject(e),
        complete: () => resolve(value as T),
      });
      signal.addEventListener('abort', () => subscription.unsubscribe(), { once: true });
    });
  }

  close(): Promise<void> {
    return Promise.resolve(this.proxy.close()).then(() => undefined);
  }
}
