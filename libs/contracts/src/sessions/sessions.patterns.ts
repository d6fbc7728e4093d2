/**
 * Sessions that end when they should (docs/services.md, "Sessions and revocation"): the user service appends a
 * security event for every change that must end or downgrade sessions; the auth service reads them by position,
 * revokes refresh tokens and appends revocations to its own feed; every token verifier reads that feed by position
 * and checks each token against an in-memory copy.
 */
export const SESSION_PATTERNS = {
  /** User service: its security events (`ReadChangesPayload` -> `FeedPage<SecurityEvent>`), services only. */
  securityEvents: 'user.securityEvents',
  /** Auth service: its revocations (`ReadChangesPayload` -> `FeedPage<RevocationEvent>`), services only. */
  revocations: 'auth.revocations',
} as const;
