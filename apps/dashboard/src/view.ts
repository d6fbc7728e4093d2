import type { Session } from './api.js';

/** What every page gets: the session, and a way to move to another page. */
export interface Context {
  session: Session;
  navigate: (page: PageName) => void;
}

export type PageName = 'overview' | 'movies' | 'recommendations' | 'users';

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

/** Builds a query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
