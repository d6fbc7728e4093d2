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
