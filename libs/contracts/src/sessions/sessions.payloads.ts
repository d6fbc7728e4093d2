import type { UserRole } from '../users/users.constants';

/**
 * - `password`: the password was changed or reset: every session of the user ends.
 * - `deleted`: the account is gone: every session ends.
 * - `role`: the role changed: sessions started before keep working with the new role.
 */
export type SecurityEventType = 'password' | 'deleted' | 'role';

export interface SecurityEvent {
  pos: string;
  type: SecurityEventType;
  userId: string;
  /** The new role (`role` events). */
  role?: UserRole;
  /** When the change was stored (ms since epoch): sessions that started before it are affected. */
  at: number;
}

/**
 * - `session`: one session (`sid`) ended (logout, or its refresh token family was revoked).
 * - `user`: every session of `userId` that started before `at` ended.
 * - `role`: every session of `userId` that started before `at` has the role `role` from now on.
 */
export interface RevocationEvent {
  pos: string;
  kind: 'session' | 'user' | 'role';
  sid?: string;
  userId?: string;
  role?: UserRole;
  at: number;
  /** After this (ms since epoch) no token the entry applies to can be valid any more; verifiers forget it. */
  expiresAt: number;
}

/**
 * A revocation as the service that stored it answers the call that caused it (logout, password or role change,
 * delete): the gateway that relayed the call applies it to its own list before it answers, so the very next request
 * there is refused; everyone else learns of it from the revocation feed. No feed position: it is not a feed entry.
 */
export type Revocation = Omit<RevocationEvent, 'pos'>;

/** The reply of `auth.logout`: the sessions it ended. */
export interface LogoutReply {
  revoked: true;
  revocations: Revocation[];
}
