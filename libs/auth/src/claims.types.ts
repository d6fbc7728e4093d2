export type Role = 'admin' | 'user';
export const ROLES: readonly Role[] = ['admin', 'user'];

/** Access-token claims: the original names (name, role, exp, iss) plus sub and jti. */
export interface AccessClaims {
  sub: string;
  name: string;
  role: Role | 'service' | '';
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  /** Session id: one login and every token refreshed from it (the refresh token family). */
  sid?: string;
  /** When the session started (ms since epoch): a password change, role change or delete affects sessions started before it. */
  sat?: number;
}

/** Who is calling, as the gateway and services see it after verification. */
export interface Principal {
  id: string;
  username: string;
  role: AccessClaims['role'];
  jti: string;
  exp: number;
}

export function principalOf(claims: AccessClaims): Principal {
  return { id: claims.sub, username: claims.name, role: claims.role, jti: claims.jti, exp: claims.exp };
}
