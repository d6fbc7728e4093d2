import type { AppConfig } from '@app/config';
import type { Revocation, SecurityEvent } from '@app/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A second of slack for clocks: an access token of the session can be valid no longer than this. */
export const accessTokenLifetimeMs = (config: AppConfig): number => config.jwt.accessTtlSec * 1000 + 1000;

/**
 * What a security event of the user service revokes, one rule for both places that need it: the auth service
 * storing it in its feed, and the user service answering it to the gateway that relayed the change. A role change
 * lasts as long as an access token; an ended user as long as a refresh token (a refresh from a session that started
 * before is refused even if its row escaped).
 */
export function revocationFor(event: Pick<SecurityEvent, 'type' | 'userId' | 'role' | 'at'>, config: AppConfig): Revocation {
  if (event.type === 'role') {
    return { kind: 'role', userId: event.userId, role: event.role, at: event.at, expiresAt: event.at + accessTokenLifetimeMs(config) };
  }
  return { kind: 'user', userId: event.userId, at: event.at, expiresAt: event.at + config.jwt.refreshTtlDays * DAY_MS };
}

/** The end of one session (logout, a revoked refresh token family), as long as its access tokens can live. */
export function sessionRevocation(sid: string, at: number, config: AppConfig): Revocation {
  return { kind: 'session', sid, at, expiresAt: at + accessTokenLifetimeMs(config) };
}
