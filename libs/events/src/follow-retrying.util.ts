import { Logger } from '@nestjs/common';
import { Subscription } from './event-bus.types';

export interface RetryingFollow {
  stop(): Promise<void>;
}

/**
 * Follows a stream for as long as the app runs: `start` (a `bus.follow` and whatever it needs first) is tried again
 * every `retryMs` while it fails (the engine unreachable at start-up), so a consumer never depends on start order.
 * Once following, the engine's client reconnects by itself.
 */
export function followRetrying(start: () => Promise<Subscription>, logger: Logger, what: string, retryMs = 2000): RetryingFollow {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let subscription: Subscription | undefined;
  const attempt = async (): Promise<void> => {
    try {
      const started = await start();
      if (stopped) await started.stop();
      else subscription = started;
    } catch (err) {
      logger.warn(`cannot follow ${what} (${(err as Error).message}); retrying in ${retryMs} ms`);
      if (stopped) return;
      timer = setTimeout(() => void attempt(), retryMs);
      timer.unref();
    }
  };
  void attempt();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await subscription?.stop();
    },
  };
}
