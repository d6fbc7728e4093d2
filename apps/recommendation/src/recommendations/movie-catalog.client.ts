import { Injectable } from '@nestjs/common';
import { TokenVerifier } from '@app/auth';
import type { AppError } from '@app/common';
import { MOVIE_PATTERNS, MovieDto, RatingsExportPage, RatingTuple } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';

const EXPORT_PAGE = 2000;

/** Reads ratings and movies from the movie service, as the recommendation service itself (a service token). */
@Injectable()
export class MovieCatalogClient {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly verifier: TokenVerifier,
  ) {}

  /** One cursor session when the same movie instance keeps answering; pages by _id otherwise. */
  async allRatings(): Promise<RatingTuple[]> {
    try {
      const all: RatingTuple[] = [];
      let session: string | undefined;
      do {
        const page: RatingsExportPage = await this.read(MOVIE_PATTERNS.ratingsExport, { session, limit: EXPORT_PAGE });
        for (const item of page.items) all.push(item);
        session = page.session ?? undefined;
      } while (session);
      return all;
    } catch (err) {
      if ((err as AppError).status !== 409) throw err;
    }
    const all: RatingTuple[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.read<RatingsExportPage>(MOVIE_PATTERNS.ratingsExport, { sorted: true, after, limit: EXPORT_PAGE });
      for (const item of page.items) all.push(item);
      if (!page.next) return all;
      after = page.next;
    }
  }

  moviesByIds(ids: string[]): Promise<MovieDto[]> {
    return this.read<MovieDto[]>(MOVIE_PATTERNS.byIds, { ids });
  }

  private read<T>(pattern: string, data: unknown): Promise<T> {
    return this.registry.client('movie').send<T>(pattern, data, { idempotent: true, token: this.verifier.serviceToken('recommendation') });
  }
}
