import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

let defaultsStarted = false;

/**
 * The event-loop delay histogram samples every 100 ms: prom-client's default (10 ms) wakes an idle process 100
 * times a second for it, the largest share of its wake-ups with no requests (issue 24). The lag it reports is the
 * same measurement, sampled less often.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Node defaults once per process, whatever number of apps it runs. */
export function startDefaultMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
}

function reuse<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return reuse(name, () => new Counter({ name, help, labelNames }));
}

export function gauge(name: string, help: string, labelNames: string[]): Gauge<string> {
  return reuse(name, () => new Gauge({ name, help, labelNames }));
}

export function histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram<string> {
  return reuse(name, () => new Histogram({ name, help, labelNames, buckets }));
}

export { register as metricsRegistry };
