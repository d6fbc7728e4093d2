import jwt from 'jsonwebtoken';
import { loadConfig } from '@app/config';
import { SERVICE_TOKEN_TTL_SEC, TokenVerifier } from './token-verifier.service';

describe('TokenVerifier', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const verifier = new TokenVerifier(config);
  const claims = { sub: '507f1f77bcf86cd799439011', name: 'alice', role: 'user', jti: 'j1' };
  const sign = (payload: object, secret = config.jwt.secret, options: jwt.SignOptions = {}) =>
    jwt.sign(payload, secret, { algorithm: 'HS256', issuer: config.jwt.issuer, expiresIn: 60, ...options });

  it('accepts a valid HS256 token and returns its claims', () => {
    expect(verifier.verify(sign(claims))).toMatchObject({ ...claims, iss: 'seedotech' });
  });

  it('rejects alg none, a bad signature, a wrong issuer, an expired token and garbage with 401', () => {
    const none = jwt.sign({ ...claims, iss: config.jwt.issuer }, '', { algorithm: 'none' });
    const forged = sign(claims, 'another-secret-another-secret-another');
    const wrongIssuer = sign(claims, config.jwt.secret, { issuer: 'someone-else' });
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, config.jwt.secret, {
      algorithm: 'HS256',
      issuer: config.jwt.issuer,
    });
    const hs512 = jwt.sign(claims, config.jwt.secret, { algorithm: 'HS512', issuer: config.jwt.issuer });
    for (const token of [none, forged, wrongIssuer, expired, hs512, 'not.a.token', '', undefined]) {
      expect(() => verifier.verify(token)).toThrow(expect.objectContaining({ status: 401 }) as Error);
    }
  });

  it('rejects a token without the claims we rely on', () => {
    expect(() => verifier.verify(sign({ name: 'x' }))).toThrow(expect.objectContaining({ status: 401 }) as Error);
  });

  it('signs service tokens it can verify', () => {
    expect(verifier.verify(verifier.signServiceToken('recommendation'))).toMatchObject({ role: 'service', name: 'recommendation' });
  });

  it('hands out one service token per service until half of its lifetime has passed', () => {
    const first = verifier.serviceToken('auth');
    expect(verifier.serviceToken('auth')).toBe(first);
    expect(verifier.serviceToken('movie')).not.toBe(first);
    expect(verifier.verify(first)).toMatchObject({ role: 'service', name: 'auth' });
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + (SERVICE_TOKEN_TTL_SEC * 1000) / 2 + 1);
    try {
      expect(verifier.serviceToken('auth')).not.toBe(first);
    } finally {
      later.mockRestore();
    }
  });
});
