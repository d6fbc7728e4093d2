import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

let defaultsStarted = false;

/** Node defaults once per process, whatever number of apps it runs. */
export function startDefaultMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register });
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
