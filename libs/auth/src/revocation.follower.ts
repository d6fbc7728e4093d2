import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { RevocationEvent } from '@app/contracts';
import { EventBus, followRetrying, RetryingFollow } from '@app/events';
import { RevocationListService } from './revocation-list.service';

/** Start-up waits this long at most for the revocations kept in the stream (an unreachable engine never blocks start). */
const CATCH_UP_MS = 3000;

/**
 * Keeps this app's RevocationListService current from the `revocations` stream: every kept revocation at start
 * (the stream keeps each as long as a token it applies to lives), then each one as the auth service publishes it,
 * pushed (no reads while nothing happens). Not durable on purpose: the list lives in memory, so a restarted app
 * reads the whole stream again. While the engine cannot be reached the list keeps what it has (the client reconnects
 * and resumes; nothing new can be revoked without the auth service publishing anyway).
 */
@Injectable()
export class RevocationFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Revocations');
  private following?: RetryingFollow;

  constructor(
    private readonly list: RevocationListService,
    private readonly bus: EventBus,
  ) {}

  /** Resolves once the kept revocations are applied, or after CATCH_UP_MS (the subscription goes on behind). */
  async onApplicationBootstrap(): Promise<void> {
    let caughtUp: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    this.following = followRetrying(async () => {
      const { last } = await this.bus.state('revocations');
      if (last === 0) caughtUp();
      return this.bus.follow<RevocationEvent>('revocations', { from: 'all', ack: 'each' }, (event) => {
        this.list.apply([event.data]);
        if (event.seq >= last) caughtUp();
      });
    }, this.logger, 'the revocations');
    const timer = setTimeout(caughtUp, CATCH_UP_MS);
    await ready;
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.following?.stop();
  }
}
