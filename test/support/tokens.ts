import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { loadConfig } from '@app/config';

const config = loadConfig({ NODE_ENV: 'test' });

export const TEST_JWT = { secret: config.jwt.secret, issuer: config.jwt.issuer };

/** A token as the auth service would issue it, for callers that need none of the login flow. */
export function mintToken(
  role: 'admin' | 'user' = 'admin',
  sub = randomBytes(12).toString('hex'),
  name = `${role}-${sub.slice(-6)}`,
): string {
  return jwt.sign({ sub, name, role, jti: randomUUID() }, config.jwt.secret, {
    algorithm: 'HS256',
    issuer: config.jwt.issuer,
    expiresIn: 3600,
  });
}
