import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { CHANGE_FEED_OVERLAP_MS, ChangeEvent, ChangesPage, ChangeType, FeedPositions, positionAt } from '@app/contracts';
import { WriteBatcher } from '../database/write-batcher.util';
import { ChangeEntity } from './change.entity';
import { ChangesRepository } from './changes.repository';

/** A reader further behind than this resyncs (full rebuild); keeps the feed small, which FerretDB reads by scanning. */
const CHANGE_RETENTION_MS = 15 * 60_000;
const TRIM_EVERY_MS = 60_000;
const MAX_BATCH = 500;

const toChangeEvent = (c: ChangeEntity): ChangeEvent => ({ ...c, at: new Date(c.at).toISOString() });

/**
 * Appends every change of a movie or rating to the feed, after the change itself is stored: an acknowledged change
 * always has its event (a crash between the two writes loses the event; the recommendation service's periodic
 * rebuild repairs that). Positions come from this instance's clock and a sequence, so instances never coordinate.
 */
@Injectable()
export class ChangeFeedService {
  private readonly logger = new Logger('ChangeFeed');
  private readonly positions = new FeedPositions(randomBytes(4).toString('hex'));
  private readonly appends = new WriteBatcher<ChangeEntity>(MAX_BATCH, (batch) => this.append(batch));

  constructor(private readonly changes: ChangesRepository) {}

  @Interval(TRIM_EVERY_MS)
  async trim(): Promise<void> {
    await this.changes
      .trimBefore(positionAt(Date.now() - CHANGE_RETENTION_MS))
      .catch((err: Error) => this.logger.warn(`trim failed: ${err.message}`));
  }

  /**
   * Appends the event and resolves once it is stored. Events of concurrent calls are stored together (one
   * insertMany while the previous one runs): FerretDB on SQLite takes one batch far faster than many single inserts.
   */
  record(type: ChangeType, movieId: string, rating?: { userId: string; score?: number }): Promise<void> {
    const change: ChangeEntity = { pos: this.nextPosition(), type, movieId, at: new Date() };
    if (rating) change.userId = rating.userId;
    if (rating?.score !== undefined) change.score = rating.score;
    return this.appends.add(change);
  }

  private async append(batch: ChangeEntity[]): Promise<void[]> {
    await this.changes.appendMany(batch);
    // Readers re-read one overlap window; events stored later than half of it after their position get a fresh one too.
    const late = batch.filter((c) => Date.now() - c.at.getTime() > CHANGE_FEED_OVERLAP_MS / 2);
    if (late.length) {
      this.logger.warn(`slow change-feed insert: ${late.length} events appended again with fresh positions`);
      await this.changes.appendMany(late.map((c) => ({ ...c, pos: this.nextPosition() })));
    }
    return batch.map(() => undefined);
  }

  async read(after: string | undefined, limit: number): Promise<ChangesPage> {
    const horizon = positionAt(Date.now() - CHANGE_RETENTION_MS);
    const rows = await this.changes.after(after, limit);
    return { events: rows.map(toChangeEvent), horizon };
  }

  private nextPosition(): string {
    return this.positions.next();
  }
}
