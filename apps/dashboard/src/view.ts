import type { Session } from './api.js';

/** What every page gets: the session, and a way to move to another page. */
export interface Context {
  session: Session;
  navigate: (page: PageName) => void;
}

export type PageName = 'overview' | 'movies' | 'recommendations' | 'users' | 'traces';

/** A mounted page: its element and how to stop its timers. */
export interface View {
  el: HTMLElement;
  dispose: () => void;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** A page that refreshes itself: `start` runs `tick` now and again `everyMs` after each run ends, until disposed. */
export interface Refresher {
  readonly disposed: boolean;
  start(tick: () => Promise<void>): void;
  dispose(): void;
}

export function refresher(everyMs: number): Refresher {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  return {
    get disposed() {
      return disposed;
    },
    start(tick) {
      const run = async () => {
        await tick();
        if (!disposed) timer = setTimeout(() => void run(), everyMs);
      };
      void run();
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
