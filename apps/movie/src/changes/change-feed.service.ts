import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ChangeEvent, ChangeType, FeedPositions } from '@app/contracts';
import { EventBus, OutboxPublisher } from '@app/events';
import { WriteBatcher } from '../database/write-batcher.util';
import { ChangeEntity } from './change.entity';
import { ChangesRepository } from './changes.repository';

const MAX_BATCH = 500;

const toChangeEvent = (c: ChangeEntity): ChangeEvent => ({ ...c, at: new Date(c.at).toISOString() });

/**
 * Every change of a movie or rating, after the change itself is stored: first into this service's outbox (the
 * `changes` collection, in batches), then to the `changes` stream, before the change is acknowledged; published ones
 * leave the outbox behind the answers. A crash after the outbox write loses nothing: the next start publishes what is
 * left, under the same ids. (Between the change and its outbox row there is no transaction on FerretDB 1.x: a crash
 * exactly there loses the event; the recommendation service's periodic full rebuild repairs that.)
 */
@Injectable()
export class ChangeFeedService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChangeFeed');
  private readonly positions = new FeedPositions(randomBytes(4).toString('hex'));
  private readonly appends = new WriteBatcher<ChangeEntity>(MAX_BATCH, (batch) => this.append(batch));
  private readonly outbox: OutboxPublisher<ChangeEntity>;

  constructor(
    private readonly changes: ChangesRepository,
    bus: EventBus,
  ) {
    this.outbox = new OutboxPublisher<ChangeEntity>(
      'changes',
      { pending: () => changes.all(), remove: (published) => changes.removeMany(published.map((c) => c.pos)) },
      (c) => bus.publish('changes', c.type, toChangeEvent(c), { id: c.pos }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.outbox.drain().catch((err: Error) => this.logger.warn(`outbox not drained at start: ${err.message}`));
  }

  onApplicationShutdown(): Promise<void> {
    return this.outbox.stop();
  }

  /**
   * Stores and publishes the event; resolves once the stream has it. Events of concurrent calls are stored together
   * (one insertMany while the previous one runs): FerretDB on SQLite takes one batch far faster than many single inserts.
   * A publish that fails does not fail the change (it is stored, and so is its event): the outbox retries it behind.
   */
  record(type: ChangeType, movieId: string, rating?: { userId: string; score?: number }): Promise<void> {
    const change: ChangeEntity = { pos: this.positions.next(), type, movieId, at: new Date() };
    if (rating) change.userId = rating.userId;
    if (rating?.score !== undefined) change.score = rating.score;
    return this.appends.add(change);
  }

  private async append(batch: ChangeEntity[]): Promise<void[]> {
    await this.changes.appendMany(batch);
    await this.outbox.publish(batch).catch((err: Error) => this.logger.warn(`${batch.length} changes not published yet (${err.message}); retrying`));
    return batch.map(() => undefined);
  }
}
