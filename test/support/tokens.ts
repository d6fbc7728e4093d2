import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { loadConfig } from '@app/config';

/** A valid access token signed with the test configuration's secret, for callers that need no login. */
export function mintToken(role: 'admin' | 'user' = 'admin', sub = randomBytes(12).toString('hex')): string {
  const { jwt: settings } = loadConfig({ NODE_ENV: 'test' });
  return jwt.sign({ sub, name: `${role}-${sub.slice(-6)}`, role, jti: randomUUID() }, settings.secret, {
    algorithm: 'HS256',
    issuer: settings.issuer,
    expiresIn: 3600,
  });
}
