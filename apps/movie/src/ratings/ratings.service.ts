import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Principal } from '@app/auth';
import { AppError, assertObjectId, Page } from '@app/common';
import type { ExportRatingsPayload, RateMovieDto, RatingDto, RatingsExportPage, RatingTuple } from '@app/contracts';
import { MovieLifecycle } from '../movies/movie-lifecycle.service';
import { MoviesRepository } from '../movies/movies.repository';
import { ChangeFeedService } from '../changes/change-feed.service';
import { RatingAggregateRefresher } from './rating-aggregate.refresher';
import { RatingEntity, RatingScore } from './rating.entity';
import { RatingsRepository } from './ratings.repository';

/** Ratings belong to real users: a service token may read them in bulk but never rate. */
function raterId(actor: Principal): string {
  if (actor.role !== 'admin' && actor.role !== 'user') throw AppError.forbidden('Only users rate movies');
  return assertObjectId(actor.id);
}

function toRatingDto(r: RatingEntity): RatingDto {
  return {
    movieId: r.movieId,
    userId: r.userId,
    score: r.score,
    comment: r.comment,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

const EXPORT_IDLE_MS = 60_000;
/**
 * How long a movie found to exist is taken to exist without asking the database again (see movieExists): the
 * catalog's staleness bound across instances (docs/services.md); a deletion in this instance forgets it at once.
 */
const KNOWN_MOVIE_MS = 100;

@Injectable()
export class RatingsService implements OnModuleInit {
  private readonly exports = new Map<string, { cursor: AsyncIterator<RatingScore>; timer?: NodeJS.Timeout }>();
  private readonly knownMovies = new Map<string, { until: number; exists: Promise<boolean> }>();

  constructor(
    private readonly ratings: RatingsRepository,
    private readonly movies: MoviesRepository,
    private readonly aggregates: RatingAggregateRefresher,
    private readonly feed: ChangeFeedService,
    private readonly lifecycle: MovieLifecycle,
  ) {}

  onModuleInit(): void {
    // A deleted movie's ratings go with it; an edited movie's aggregate is recomputed (see MoviesService.update).
    this.lifecycle.whenDeleted((movieId) => {
      this.knownMovies.delete(movieId);
      return this.ratings.removeAllOfMovie(movieId);
    });
    this.lifecycle.whenChanged((movieId) => this.aggregates.refresh(movieId));
  }

  /**
   * The user's own rating of the movie, created or replaced. The rating document is the truth; the movie's
   * aggregate gets the write's delta (and is recomputed from the ratings once the burst is over), and the change
   * goes to the feed before the answer, so the caller reads its own write. No lock: writes of different users
   * never wait for each other, and none scans the ratings.
   */
  async rate(movieId: string, dto: RateMovieDto, actor: Principal): Promise<RatingDto> {
    const userId = raterId(actor);
    const comment = dto.comment ?? '';
    if (!(await this.movieExists(movieId))) throw AppError.notFound('Movie not found');
    // One timestamp for what is stored and what is answered.
    const now = new Date();
    const before = await this.ratings.upsert(movieId, userId, dto.score, comment, now);
    await Promise.all([
      this.feed.record(before ? 'rating.changed' : 'rating.inserted', movieId, { userId, score: dto.score }),
      this.aggregates.refresh(movieId, before ? { sum: dto.score - before.score, count: 0 } : { sum: dto.score, count: 1 }),
    ]);
    return toRatingDto({ movieId, userId, score: dto.score, comment, createdAt: before?.createdAt ?? now, updatedAt: now });
  }

  async unrate(movieId: string, actor: Principal): Promise<void> {
    const userId = raterId(actor);
    if (!(await this.movieExists(movieId))) throw AppError.notFound('Movie not found');
    const removed = await this.ratings.remove(movieId, userId);
    if (!removed) throw AppError.notFound('Rating not found');
    await Promise.all([
      this.feed.record('rating.deleted', movieId, { userId }),
      this.aggregates.refresh(movieId, { sum: -removed.score, count: -1 }),
    ]);
  }

  /**
   * A burst of ratings of one movie asks the database once per KNOWN_MOVIE_MS whether the movie exists, not once
   * per rating; a movie deleted by another instance may take a rating for that long. (A rating that races a
   * deletion is possible anyway: the check and the write are two steps.) Such a straggler belongs to no movie that
   * can be read.
   */
  private movieExists(movieId: string): Promise<boolean> {
    const now = Date.now();
    const known = this.knownMovies.get(movieId);
    if (known && known.until > now) return known.exists;
    if (this.knownMovies.size > 10_000) this.knownMovies.clear();
    // Calls of the same moment share one question; only a yes is kept.
    const exists = this.movies.exists(movieId);
    const entry = { until: now + KNOWN_MOVIE_MS, exists };
    this.knownMovies.set(movieId, entry);
    const forget = () => void (this.knownMovies.get(movieId) === entry && this.knownMovies.delete(movieId));
    exists.then((yes) => yes || forget(), forget);
    return exists;
  }

  async ofMovie(movieId: string, page: number, limit: number): Promise<Page<RatingDto>> {
    if (!(await this.movies.exists(movieId))) throw AppError.notFound('Movie not found');
    const result = await this.ratings.page(movieId, page, limit);
    return { items: result.items.map(toRatingDto), total: result.total, page, limit };
  }

  /** A user's own ratings, or anyone's for a service or an admin. */
  async ofUser(userId: string, actor: Principal): Promise<{ movieId: string; score: number }[]> {
    if (actor.role !== 'service' && actor.role !== 'admin' && actor.id !== userId) throw AppError.forbidden();
    return this.ratings.ofUser(userId);
  }

  async export(dto: ExportRatingsPayload): Promise<RatingsExportPage> {
    const toTuple = (r: RatingScore): RatingTuple => [r.movieId, r.userId, r.score];
    if (dto.sorted || dto.after) {
      const rows = await this.ratings.after(dto.after, dto.limit);
      return { items: rows.map(toTuple), next: rows.length === dto.limit ? rows[rows.length - 1].id : null, session: null };
    }
    const id = dto.session ?? randomUUID();
    const session = dto.session ? this.exports.get(dto.session) : { cursor: this.ratings.scan(dto.limit), timer: undefined };
    if (!session) throw AppError.conflict('Unknown export session on this instance');
    clearTimeout(session.timer);
    this.exports.delete(id);
    const items: RatingTuple[] = [];
    while (items.length < dto.limit) {
      const next = await session.cursor.next();
      if (next.done) {
        await session.cursor.return?.();
        return { items, next: null, session: null };
      }
      items.push(toTuple(next.value));
    }
    // An abandoned export does not hold its cursor for ever.
    session.timer = setTimeout(() => {
      this.exports.delete(id);
      void session.cursor.return?.();
    }, EXPORT_IDLE_MS);
    session.timer.unref();
    this.exports.set(id, session);
    return { items, next: null, session: id };
  }
}
