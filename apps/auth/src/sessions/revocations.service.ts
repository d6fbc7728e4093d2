import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { RevocationFollower } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FeedPage, positionAt, RevocationEvent, SecurityEvent } from '@app/contracts';
import { RefreshTokensRepository } from '../tokens/refresh-tokens.repository';
import { RevocationsRepository } from './revocations.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
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

  /** Every access token of the session stops working (its refresh tokens are revoked by the caller). */
  async endSession(sid: string): Promise<void> {
    const now = Date.now();
    await this.revocations.append({ kind: 'session', sid, at: now, expiresAt: new Date(now + this.accessTtlMs()) });
    await this.follower.poll().catch(() => undefined);
  }

  /** Applies the user service's security events once each (they are read again after a restart). */
  async applySecurityEvents(events: readonly SecurityEvent[]): Promise<void> {
    for (const e of events) {
      const source = `user:${e.pos}`;
      if (await this.revocations.hasSource(source)) continue;
      if (e.type === 'role') {
        await this.revocations.append({
          kind: 'role',
          userId: e.userId,
          role: e.role,
          at: e.at,
          expiresAt: new Date(e.at + this.accessTtlMs()),
          source,
        });
      } else {
        // Kept as long as a refresh token lives: a refresh from a session that started before is refused even if its row escaped.
        await this.revocations.append({
          kind: 'user',
          userId: e.userId,
          at: e.at,
          expiresAt: new Date(e.at + this.config.jwt.refreshTtlDays * DAY_MS),
          source,
        });
        const revoked = await this.refreshTokens.revokeUserBefore(e.userId, new Date(e.at), new Date());
        this.logger.log({ userId: e.userId, reason: e.type, refreshTokens: revoked }, 'Ended every session of a user');
      }
    }
    if (events.length) await this.follower.poll().catch(() => undefined);
  }

  private accessTtlMs(): number {
    // A second of slack for clocks: an access token of the session can be valid no longer than this.
    return this.config.jwt.accessTtlSec * 1000 + 1000;
  }
}
