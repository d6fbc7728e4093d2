import type { MovieDto } from '@app/contracts';

interface Entry {
  movie: MovieDto | null;
  at: number;
}

/**
 * Movie details for recommendation answers, kept for a short time: every request shows mostly the
 * same popular and similar movies, and each lookup costs the movie service a database read.
 * Deleted movies are remembered as null, so they drop out until the entry expires.
 */
export class MovieCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** A changed or deleted movie is read again next time. */
  forget(id: string): void {
    this.entries.delete(id);
  }

  async get(ids: string[], load: (missing: string[]) => Promise<MovieDto[]>, now = Date.now()): Promise<Map<string, MovieDto>> {
    const found = new Map<string, MovieDto>();
    const missing: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && now - entry.at < this.ttlMs) {
        if (entry.movie) found.set(id, entry.movie);
      } else missing.push(id);
    }
    if (missing.length) {
      const loaded = new Map((await load(missing)).map((m) => [m.id, m]));
      for (const id of missing) {
        const movie = loaded.get(id) ?? null;
        this.entries.delete(id);
        this.entries.set(id, { movie, at: now });
        if (movie) found.set(id, movie);
      }
      // Map keeps insertion order, so the first keys are the oldest.
      for (const id of this.entries.keys()) {
        if (this.entries.size <= this.maxEntries) break;
        this.entries.delete(id);
      }
    }
    return found;
  }
}
