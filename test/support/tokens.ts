import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { loadConfig } from '@app/config';

/** Signed with the development secret and issuer from config, exactly as the auth service signs access tokens. */
const config = loadConfig({ NODE_ENV: 'test' });

export const TEST_JWT = { secret: config.jwt.secret, issuer: config.jwt.issuer };

export const randomUserId = () => randomBytes(12).toString('hex');

type Claims = Partial<{ sub: string; name: string; role: string; jti: string }>;

/**
 * A token for callers that need no login (a role name or claims), or a forged one (another secret, issuer,
 * algorithm, or an expiry in the past).
 */
export function mintToken(
  claims: Claims | 'admin' | 'user' = {},
  options: { secret?: string; issuer?: string; expiresIn?: number; algorithm?: jwt.Algorithm } = {},
): string {
  const given = typeof claims === 'string' ? { role: claims } : claims;
  const sub = given.sub ?? randomUserId();
  const role = given.role ?? 'admin';
  const payload = { sub, name: `${role}-${sub.slice(-6)}`, role, jti: randomUUID(), ...given };
  const algorithm = options.algorithm ?? 'HS256';
  return jwt.sign(payload, algorithm === 'none' ? '' : (options.secret ?? config.jwt.secret), {
    algorithm,
    issuer: options.issuer ?? config.jwt.issuer,
    expiresIn: options.expiresIn ?? 3600,
  });
}

export interface TestCaller {
  id: string;
  name: string;
  role: 'admin' | 'user';
  token: string;
}

export function caller(role: 'admin' | 'user' = 'user', name = `${role}-${randomBytes(3).toString('hex')}`): TestCaller {
  const id = randomUserId();
  return { id, name, role, token: mintToken({ sub: id, name, role }) };
}
