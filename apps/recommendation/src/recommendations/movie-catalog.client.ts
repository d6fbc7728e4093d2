import { Injectable } from '@nestjs/common';
import { TokenVerifier } from '@app/auth';
import { MOVIE_PATTERNS, MovieDto, RatingsExportPage, RatingTuple } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import type { UserRating } from '../engine/item-cf';

const EXPORT_PAGE = 2000;
const TOKEN_TTL_SEC = 300;

/** Reads ratings and movies from the movie service, as the recommendation service itself (a service token). */
@Injectable()
export class MovieCatalogClient {
  private token = '';
  private tokenRenewAt = 0;

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly verifier: TokenVerifier,
  ) {}

  async allRatings(): Promise<RatingTuple[]> {
    const all: RatingTuple[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.read<RatingsExportPage>(MOVIE_PATTERNS.ratingsExport, { after, limit: EXPORT_PAGE });
      for (const item of page.items) all.push(item);
      if (!page.next) return all;
      after = page.next;
    }
  }

  ratingsOf(userId: string): Promise<UserRating[]> {
    return this.read<UserRating[]>(MOVIE_PATTERNS.ratingsOfUser, { userId });
  }

  moviesByIds(ids: string[]): Promise<MovieDto[]> {
    return this.read<MovieDto[]>(MOVIE_PATTERNS.byIds, { ids });
  }

  private read<T>(pattern: string, data: unknown): Promise<T> {
    return this.registry.client('movie').send<T>(pattern, data, { idempotent: true, token: this.serviceToken() });
  }

  /** Renewed well before it expires, so no call carries a token about to lapse. */
  private serviceToken(): string {
    const now = Date.now();
    if (now >= this.tokenRenewAt) {
      this.token = this.verifier.signServiceToken('recommendation', TOKEN_TTL_SEC);
      this.tokenRenewAt = now + (TOKEN_TTL_SEC * 1000) / 2;
    }
    return this.token;
  }
}
