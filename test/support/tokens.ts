import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { loadConfig } from '@app/config';

/**
 * Access tokens for e2e suites that need a caller without going through login: signed with the
 * development secret and issuer from config, exactly as the auth service signs them.
 */
const config = loadConfig({ NODE_ENV: 'test' });

export const randomUserId = () => randomBytes(12).toString('hex');

export interface TestCaller {
  id: string;
  name: string;
  role: 'admin' | 'user';
  token: string;
}

export function mintToken(claims: { sub?: string; name?: string; role?: string } = {}, ttlSec = 3600): string {
  return jwt.sign(
    { sub: claims.sub ?? randomUserId(), name: claims.name ?? 'tester', role: claims.role ?? 'user', jti: randomUUID() },
    config.jwt.secret,
    { algorithm: 'HS256', issuer: config.jwt.issuer, expiresIn: ttlSec },
  );
}

export function caller(role: 'admin' | 'user' = 'user', name = `${role}-${randomBytes(3).toString('hex')}`): TestCaller {
  const id = randomUserId();
  return { id, name, role, token: mintToken({ sub: id, name, role }) };
}
