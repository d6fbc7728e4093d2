import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { revocationFor, RevocationListService, sessionRevocation } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Revocation, RevocationEvent, SecurityEvent } from '@app/contracts';
import { EventBus, followRetrying, OutboxPublisher, RetryingFollow } from '@app/events';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { RevocationsRepository } from './revocations.repository';

const CLEANUP_EVERY_MS = 60_000;
/** Every auth instance shares this durable consumer of the user service's security events: each event goes to one. */
const SECURITY_CONSUMER = 'auth';
/** An event handed to an auth instance that died before acknowledging it goes to another (or the restarted one) after this. */
const SECURITY_ACK_WAIT_MS = 5000;

/**
 * The auth service's revocations: ended sessions (logout, a revoked refresh token family) and what the user service's
 * security events mean (password change or reset, delete: every session of the user; role change: the new role).
 * Each is stored (the collection is the truth and the outbox), applied to this instance's own list at once, then
 * published to the `revocations` stream, which every verifier follows (RevocationFollower).
 */
@Injectable()
export class RevocationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Revocations');
  private readonly outbox: OutboxPublisher<RevocationEvent>;
  private securityEvents?: RetryingFollow;

  constructor(
    private readonly revocations: RevocationsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly list: RevocationListService,
    private readonly bus: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.outbox = new OutboxPublisher<RevocationEvent>(
      'revocations',
      { pending: () => revocations.unpublished(), remove: (published) => revocations.markPublished(published) },
      // Each kept as long as a token it applies to can live (JetStream's per-message TTL).
      (e) => bus.publish('revocations', e.kind, e, { id: e.pos, ttlMs: Math.max(1000, e.expiresAt - Date.now()) }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.outbox.drain().catch((err: Error) => this.logger.warn(`outbox not drained at start: ${err.message}`));
    // A durable consumer: an auth instance killed mid-way leaves its unacknowledged events to be delivered again.
    this.securityEvents = followRetrying(
      () =>
        this.bus.follow<SecurityEvent>('security', { durable: SECURITY_CONSUMER, from: 'all', ack: 'each', ackWaitMs: SECURITY_ACK_WAIT_MS }, (event) =>
          this.applySecurityEvent(event.data),
        ),
      this.logger,
      "the user service's security events",
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.securityEvents?.stop();
    await this.outbox.stop();
  }

  @Interval(CLEANUP_EVERY_MS)
  async deleteExpired(): Promise<void> {
    await this.revocations
      .deleteExpired(new Date())
      .catch((err: Error) => this.logger.warn(`removing expired revocations failed: ${err.message}`));
  }

  /** Every access token of the session stops working (its refresh tokens are revoked by the caller); answers what it stored. */
  async endSession(sid: string): Promise<Revocation> {
    const revocation = sessionRevocation(sid, Date.now(), this.config);
    await this.store(revocation);
    return revocation;
  }

  /** One security event of the user service, applied once (the stream may deliver it again: its id is remembered). */
  async applySecurityEvent(e: SecurityEvent): Promise<void> {
    const source = `user:${e.pos}`;
    if (await this.revocations.hasSource(source)) return;
    const revocation = revocationFor(e, this.config);
    await this.store(revocation, source);
    if (revocation.kind === 'user') {
      const revoked = await this.refreshTokens.revokeUserBefore(e.userId, new Date(e.at), new Date());
      this.logger.log({ userId: e.userId, reason: e.type, refreshTokens: revoked }, 'Ended every session of a user');
    }
  }

  /** Stored first; then this instance refuses it at once; then every verifier learns of it from the stream. */
  private async store(revocation: Revocation, source?: string): Promise<void> {
    const event = await this.revocations.append({ ...revocation, expiresAt: new Date(revocation.expiresAt), ...(source ? { source } : {}) });
    this.list.apply([event]);
    await this.outbox.publish([event]).catch((err: Error) => this.logger.warn(`revocation not published yet (${err.message}); retrying`));
  }

}
