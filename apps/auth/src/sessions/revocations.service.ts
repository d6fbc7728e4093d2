import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { RevocationFollower, revocationFor, sessionRevocation } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FeedPage, positionAt, Revocation, RevocationEvent, SecurityEvent } from '@app/contracts';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { RevocationsRepository } from './revocations.repository';

const CLEANUP_EVERY_MS = 60_000;

/** Reads the revocation feed: an entry is removed only once nothing it applies to can be valid, so a reader never has a gap. */
export async function readRevocations(
  repo: RevocationsRepository,
  after: string | undefined,
  limit: number,
): Promise<FeedPage<RevocationEvent>> {
  return { events: await repo.after(after, limit), horizon: positionAt(0) };
}

/**
 * The auth service's revocation store: ended sessions (logout, a revoked refresh token family) and the user
 * service's security events (password change or reset, delete: every session of the user; role change: the new
 * role). Every verifier reads it by position (RevocationFollower); this instance right after it appended.
 */
@Injectable()
export class RevocationsService {
  private readonly logger = new Logger('Revocations');

  constructor(
    private readonly revocations: RevocationsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly follower: RevocationFollower,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Interval(CLEANUP_EVERY_MS)
  async deleteExpired(): Promise<void> {
    await this.revocations
      .deleteExpired(new Date())
      .catch((err: Error) => this.logger.warn(`removing expired revocations failed: ${err.message}`));
  }

  /** Every access token of the session stops working (its refresh tokens are revoked by the caller); answers what it stored. */
  async endSession(sid: string): Promise<Revocation> {
    const revocation = sessionRevocation(sid, Date.now(), this.config);
    await this.revocations.append({ ...revocation, expiresAt: new Date(revocation.expiresAt) });
    await this.follower.poll().catch(() => undefined);
    return revocation;
  }

  /** Applies the user service's security events once each (they are read again after a restart). */
  async applySecurityEvents(events: readonly SecurityEvent[]): Promise<void> {
    for (const e of events) {
      const source = `user:${e.pos}`;
      if (await this.revocations.hasSource(source)) continue;
      const revocation = revocationFor(e, this.config);
      await this.revocations.append({ ...revocation, expiresAt: new Date(revocation.expiresAt), source });
      if (revocation.kind === 'user') {
        const revoked = await this.refreshTokens.revokeUserBefore(e.userId, new Date(e.at), new Date());
        this.logger.log({ userId: e.userId, reason: e.type, refreshTokens: revoked }, 'Ended every session of a user');
      }
    }
    if (events.length) await this.follower.poll().catch(() => undefined);
  }
}
