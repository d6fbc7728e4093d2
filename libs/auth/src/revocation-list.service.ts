import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import type { Revocation, RevocationEvent, UserRole } from '@app/contracts';
import { AccessClaims } from './claims.types';

interface UserState {
  /** Sessions that started before this (ms) have ended. */
  endedBefore: number;
  /** Sessions that started before `at` have this role now. */
  role?: { at: number; role: UserRole };
  expiresAt: number;
}

const PRUNE_EVERY_MS = 60_000;

/**
 * Every verifier's in-memory copy of the auth service's revocations: the per-request check is two map lookups,
 * never a database or network round trip. Fed by RevocationFollower from the `revocations` stream (docs/services.md,
 * "Sessions and revocation").
 */
@Injectable()
export class RevocationListService {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, UserState>();
  /** Positions taken, until they expire: the stream may deliver one again (a replay, a publish after a crash). */
  private readonly positions = new Map<string, number>();
  private prunedAt = Date.now();

  /** Revocations as stored by the auth service, each once (by position). */
  apply(events: readonly RevocationEvent[]): void {
    const now = Date.now();
    for (const e of events) {
      if (e.expiresAt <= now || this.positions.has(e.pos)) continue;
      this.positions.set(e.pos, e.expiresAt);
      this.take(e);
    }
    if (now - this.prunedAt > PRUNE_EVERY_MS) this.prune(now);
  }

  /**
   * Revocations a service answered to the call this app relayed (logout, password or role change, delete): refused
   * here from the next request on, before the stream brings the same revocation (taking one twice changes nothing).
   */
  applyAnswered(revocations: readonly Revocation[] | undefined): void {
    const now = Date.now();
    for (const r of revocations ?? []) if (r.expiresAt > now) this.take(r);
  }

  /** The claims as they stand now: 401 when the session ended, the current role when it changed since the session began. */
  check(claims: AccessClaims): AccessClaims {
    if (claims.role === 'service') return claims;
    if (claims.sid !== undefined && this.sessions.has(claims.sid)) throw AppError.unauthorized('The session has ended');
    const user = this.users.get(claims.sub);
    if (!user) return claims;
    // Tokens from before sessions carried their start: their issue time is the latest the session can have started.
    const started = claims.sat ?? claims.iat * 1000;
    if (started < user.endedBefore) throw AppError.unauthorized('The session has ended');
    if (user.role && started < user.role.at && user.role.role !== claims.role) return { ...claims, role: user.role.role };
    return claims;
  }

  /** Refresh tokens: has every session of this user that started at `startedAt` ended? */
  sessionEnded(userId: string, sid: string, startedAt: number): boolean {
    return this.sessions.has(sid) || startedAt < (this.users.get(userId)?.endedBefore ?? 0);
  }

  get size(): { sessions: number; users: number } {
    return { sessions: this.sessions.size, users: this.users.size };
  }

  /** Idempotent: the latest end and the latest role win, however often or in whatever order they arrive. */
  private take(e: Revocation): void {
    if (e.kind === 'session' && e.sid) {
      this.sessions.set(e.sid, Math.max(e.expiresAt, this.sessions.get(e.sid) ?? 0));
    } else if (e.userId && (e.kind === 'user' || (e.kind === 'role' && e.role))) {
      const state = this.users.get(e.userId) ?? { endedBefore: 0, expiresAt: 0 };
      if (e.kind === 'user') state.endedBefore = Math.max(state.endedBefore, e.at);
      else if (!state.role || state.role.at <= e.at) state.role = { at: e.at, role: e.role! };
      state.expiresAt = Math.max(state.expiresAt, e.expiresAt);
      this.users.set(e.userId, state);
    }
  }

  private prune(now: number): void {
    this.prunedAt = now;
    for (const [pos, expiresAt] of this.positions) if (expiresAt <= now) this.positions.delete(pos);
    for (const [sid, expiresAt] of this.sessions) if (expiresAt <= now) this.sessions.delete(sid);
    for (const [id, state] of this.users) if (state.expiresAt <= now) this.users.delete(id);
  }
}
