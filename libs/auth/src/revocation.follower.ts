import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { atMostEvery } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ChangeFeedReader, ChangeSource, RevocationEvent, SESSION_PATTERNS } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { RevocationListService } from './revocation-list.service';
import { TokenVerifier } from './token-verifier.service';

/** Where a verifier reads revocations: the auth service over its transport, or (inside auth) its own repository. */
export const REVOCATION_SOURCE = Symbol('REVOCATION_SOURCE');

const WARN_EVERY_MS = 30_000;

/**
 * Keeps this app's RevocationListService current: reads the auth service's revocation feed by position every
 * `sessions.pollMs` (100 ms), so a revoked session is refused here well within a second. While the feed cannot be
 * read the list keeps what it has (logged); nothing new can be revoked without the auth service anyway, except
 * user changes, which the auth service picks up when it is back.
 */
@Injectable()
export class RevocationFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Revocations');
  private readonly reader: ChangeFeedReader<RevocationEvent>;
  /** When the feed last answered (ms): the auth service answers from its list only while this is recent. */
  lastReadAt = 0;

  constructor(
    list: RevocationListService,
    @Inject(REVOCATION_SOURCE) source: ChangeSource<RevocationEvent>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const tracked: ChangeSource<RevocationEvent> = async (after, limit) => {
      const page = await source(after, limit);
      this.lastReadAt = Date.now();
      return page;
    };
    this.reader = new ChangeFeedReader<RevocationEvent>(tracked, (events) => Promise.resolve(list.apply(events)), undefined, {
      idleMs: config.sessions.pollMs,
      onError: atMostEvery(WARN_EVERY_MS, (err: unknown) =>
        this.logger.warn(`cannot read the revocation feed (${(err as Error).message}); keeping the revocations known so far`),
      ),
    });
  }

  onApplicationBootstrap(): void {
    this.reader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop();
  }

  /** Reads the feed now (tests, and the auth service right after it revoked something). */
  poll(): Promise<number> {
    return this.reader.poll();
  }
}

/** For every app but auth: the follower, reading the auth service's feed through the app's ServiceRegistry (which must know `auth`). */
export function revocationsFromAuthService(app: string): Provider[] {
  return [
    {
      provide: REVOCATION_SOURCE,
      inject: [ServiceRegistry, TokenVerifier],
      useFactory:
        (registry: ServiceRegistry, verifier: TokenVerifier): ChangeSource<RevocationEvent> =>
        (after, limit) =>
          registry
            .client('auth')
            .send(SESSION_PATTERNS.revocations, { after, limit }, { token: verifier.serviceToken(app), idempotent: true }),
    },
    RevocationFollower,
  ];
}
