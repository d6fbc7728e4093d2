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
 * never a database or network round trip. Fed by RevocationFollower (docs/services.md, "Sessions and revocation").
 */
@Injectable()
export class RevocationListService {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, UserState>();
  /** The live entries in position order: the auth service answers the feed from here (verifiers need not reach its database). */
  private entries: RevocationEvent[] = [];
  private readonly positions = new Set<string>();
  private prunedAt = Date.now();

  /** Entries of the revocation feed, each once (by position). */
  apply(events: readonly RevocationEvent[]): void {
    const now = Date.now();
    for (const e of events) {
      if (e.expiresAt <= now || this.positions.has(e.pos)) continue;
      this.keep(e);
      this.take(e);
    }
    if (now - this.prunedAt > PRUNE_EVERY_MS) this.prune(now);
  }

  /**
   * Revocations a service answered to the call this app relayed (logout, password or role change, delete): refused
   * here from the next request on, before the feed brings the same revocation (taking one twice changes nothing).
   * Not kept as feed entries: they have no position, and the feed delivers its own copy.
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

  /** Live entries after a position, in position order (the auth service's `auth.revocations` answer). */
  after(after: string | undefined, limit: number): RevocationEvent[] {
    let lo = 0;
    let hi = this.entries.length;
    while (after !== undefined && lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].pos <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo, lo + limit);
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

  private keep(e: RevocationEvent): void {
    this.positions.add(e.pos);
    const last = this.entries[this.entries.length - 1];
    this.entries.push(e);
    // Late arrivals (an older position seen after a newer one) are rare: sort only then.
    if (last && last.pos > e.pos) this.entries.sort((a, b) => (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0));
  }

  private prune(now: number): void {
    this.prunedAt = now;
    const expired = this.entries.filter((e) => e.expiresAt <= now);
    for (const e of expired) this.positions.delete(e.pos);
    if (expired.length) this.entries = this.entries.filter((e) => e.expiresAt > now);
    for (const [sid, expiresAt] of this.sessions) if (expiresAt <= now) this.sessions.delete(sid);
    for (const [id, state] of this.users) if (state.expiresAt <= now) this.users.delete(id);
  }
}
