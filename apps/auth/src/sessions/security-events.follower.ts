import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TokenVerifier } from '@app/auth';
import { atMostEvery } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ChangeFeedReader, SecurityEvent, SESSION_PATTERNS } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { RevocationsService } from './revocations.service';

const WARN_EVERY_MS = 30_000;

/**
 * Reads the user service's security events by position (auth -> user, an allowed call) and turns them into
 * revocations. It starts from the oldest kept event at every start; events already applied are skipped, so
 * nothing is lost while the auth service was down.
 */
@Injectable()
export class SecurityEventsFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SecurityEvents');
  private readonly reader: ChangeFeedReader<SecurityEvent>;

  constructor(registry: ServiceRegistry, verifier: TokenVerifier, revocations: RevocationsService, @Inject(APP_CONFIG) config: AppConfig) {
    this.reader = new ChangeFeedReader<SecurityEvent>(
      (after, limit) =>
        registry
          .client('user')
          .send(SESSION_PATTERNS.securityEvents, { after, limit }, { token: verifier.serviceToken('auth'), idempotent: true }),
      (events) => revocations.applySecurityEvents(events),
      undefined,
      {
        idleMs: config.sessions.pollMs,
        onError: atMostEvery(WARN_EVERY_MS, (err: unknown) =>
          this.logger.warn(`cannot read the user service's security events (${(err as Error).message}); retrying`),
        ),
      },
    );
  }

  onApplicationBootstrap(): void {
    this.reader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop();
  }
}
