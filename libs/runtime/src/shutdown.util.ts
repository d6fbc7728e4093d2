export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT, runs the steps in order (each bounded by the drain timeout) and exits 0.
 * A second signal during shutdown exits at once.
 */
export function installShutdown(steps: () => ShutdownStep[], drainTimeoutMs: number, log: (m: string) => void, onBegin?: () => void): void {
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    shuttingDown = true;
    onBegin?.();
    log(`${signal} received: draining (up to ${drainTimeoutMs} ms), then stopping`);
    void (async () => {
      for (const step of steps()) {
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            log(`${step.name} did not stop within ${drainTimeoutMs} ms; moving on`);
            resolve();
          }, drainTimeoutMs);
        });
        await Promise.race([step.run().catch((err: Error) => log(`${step.name} failed to stop: ${err.message}`)), limit]);
        clearTimeout(timer);
      }
      process.exit(0);
    })();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
