import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Interval } from '@nestjs/schedule';
import { TokenVerifier } from '@app/auth';
import { AppError } from '@app/common';
import { APP_CONFIG, AppConfig, DEV_JWT_SECRET } from '@app/config';
import { LoginPayload, Revocation, TokenPair, USER_PATTERNS, UserDto } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { RevocationsService } from '../sessions/revocations.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

export const hashRefreshToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const invalidRefreshToken = () => AppError.unauthorized('Invalid or expired refresh token');

/** Logins, refresh-token rotation with reuse detection, logout. */
@Injectable()
export class TokensService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TokensService.name);

  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly revocations: RevocationsService,
    private readonly registry: ServiceRegistry,
    private readonly verifier: TokenVerifier,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.jwt.secret === DEV_JWT_SECRET) {
      this.logger.warn('Signing tokens with the development default JWT secret: set JWT_SECRET');
    }
  }

  @Interval(CLEANUP_INTERVAL_MS)
  async deleteExpired(): Promise<void> {
    await this.tokens
      .deleteExpired(new Date())
      .catch((err: Error) => this.logger.warn(`removing expired refresh tokens failed: ${err.message}`));
  }

  async login(input: LoginPayload): Promise<TokenPair> {
    const user = await this.registry
      .client('user')
      .send<UserDto>(
        USER_PATTERNS.verifyCredentials,
        { username: input.username, password: input.password },
        { token: this.verifier.serviceToken('auth') },
      );
    // The session id is the refresh token family (v1 logins take no refresh token, but still get a session of their own).
    return this.issue(user, { sid: randomUUID(), startedAt: Date.now() }, input.withRefreshToken !== false);
  }

  /** Exchanges a live refresh token for a new pair; an already rotated one revokes its whole family. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const tokenHash = hashRefreshToken(refreshToken);
    const record = await this.tokens.findByHash(tokenHash);
    const now = new Date();
    if (!record || record.revokedAt) throw invalidRefreshToken();
    if (record.rotatedAt) {
      await this.tokens.revokeFamily(record.familyId, now);
      this.logger.warn({ familyId: record.familyId, userId: record.userId }, 'Refresh token reuse: revoked the token family');
      throw invalidRefreshToken();
    }
    if (record.expiresAt.getTime() <= now.getTime()) throw invalidRefreshToken();
    const startedAt = record.sessionStartedAt?.getTime() ?? 0;
    if (this.verifier.revocations.sessionEnded(record.userId, record.familyId, startedAt)) {
      await this.tokens.revokeFamily(record.familyId, now);
      throw invalidRefreshToken();
    }
    // Fetch first: if the user service is away, the presented token stays usable for a retry.
    const user = await this.currentUser(record.userId);
    // A password change the security events have not brought here yet: the user service says so itself.
    if (!user || startedAt < (user.sessionsEndedAt ?? 0)) {
      await this.tokens.revokeFamily(record.familyId, now);
      throw invalidRefreshToken();
    }
    if (!(await this.tokens.markRotated(tokenHash, now))) {
      // A concurrent request rotated it first: that is reuse too.
      await this.tokens.revokeFamily(record.familyId, now);
      throw invalidRefreshToken();
    }
    return this.issue(user, { sid: record.familyId, startedAt }, true);
  }

  /**
   * Ends the session the refresh token belongs to, and the one of the access token if one is given: their refresh
   * tokens at once, their access tokens on every verifier within a second. Unknown tokens are ignored (idempotent).
   * Answers the revocations it stored, for the gateway that relayed the logout to apply at once.
   */
  async logout(refreshToken: string, accessToken?: string): Promise<Revocation[]> {
    const record = await this.tokens.findByHash(hashRefreshToken(refreshToken));
    const sids = new Set<string>();
    if (record) {
      await this.tokens.revokeFamily(record.familyId, new Date());
      sids.add(record.familyId);
    }
    if (accessToken) {
      try {
        const sid = this.verifier.verify(accessToken).sid;
        if (sid) sids.add(sid);
      } catch {
        // Already invalid or ended: nothing more to end.
      }
    }
    const revocations: Revocation[] = [];
    for (const sid of sids) revocations.push(await this.revocations.endSession(sid));
    return revocations;
  }

  private async currentUser(userId: string): Promise<UserDto | undefined> {
    try {
      return await this.registry
        .client('user')
        .send<UserDto>(USER_PATTERNS.findById, { id: userId }, { token: this.verifier.serviceToken('auth'), idempotent: true });
    } catch (err) {
      if ((err as AppError).status === 404) return undefined;
      throw err;
    }
  }

  private async issue(user: UserDto, session: { sid: string; startedAt: number }, withRefreshToken: boolean): Promise<TokenPair> {
    const ttl = this.config.jwt.accessTtlSec;
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, name: user.username, role: user.role, jti: randomUUID(), sid: session.sid, sat: session.startedAt },
      { algorithm: 'HS256', issuer: this.verifier.issuer, expiresIn: ttl },
    );
    if (!withRefreshToken) return { accessToken, tokenType: 'Bearer', expiresIn: ttl };
    const refreshToken = randomBytes(32).toString('base64url');
    await this.tokens.insert({
      tokenHash: hashRefreshToken(refreshToken),
      familyId: session.sid,
      userId: user.id,
      expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlDays * DAY_MS),
      sessionStartedAt: new Date(session.startedAt),
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ttl };
  }
}
