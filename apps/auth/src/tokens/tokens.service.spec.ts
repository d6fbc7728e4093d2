import { JwtService } from '@nestjs/jwt';
import { TokenVerifier } from '@app/auth';
import { AppError } from '@app/common';
import { loadConfig } from '@app/config';
import { USER_PATTERNS } from '@app/contracts';
import { ServiceRegistry } from '@app/resilience';
import { RevocationsService } from '../sessions/revocations.service';
import { RefreshTokenRecord, RefreshTokensRepository } from './refresh-tokens.repository';
import { hashRefreshToken, TokensService } from './tokens.service';

const USER = { id: 'a'.repeat(24), username: 'alice', role: 'user', createdAt: '', updatedAt: '' };

describe('TokensService', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const verifier = new TokenVerifier(config);
  let rows: Map<string, RefreshTokenRecord>;
  let repo: RefreshTokensRepository;
  let userCalls: jest.Mock;
  let service: TokensService;
  let revocations: { endSession: jest.Mock };

  beforeEach(() => {
    rows = new Map();
    repo = {
      insert: jest.fn(
        async (t: Omit<RefreshTokenRecord, 'rotatedAt' | 'revokedAt'>) =>
          void rows.set(t.tokenHash, { ...t, rotatedAt: null, revokedAt: null }),
      ),
      findByHash: jest.fn(async (h: string) => (rows.has(h) ? { ...rows.get(h)! } : null)),
      markRotated: jest.fn(async (h: string, at: Date) => {
        const row = rows.get(h);
        if (!row || row.rotatedAt || row.revokedAt) return false;
        row.rotatedAt = at;
        return true;
      }),
      revokeFamily: jest.fn(async (familyId: string, at: Date) => {
        for (const row of rows.values()) if (row.familyId === familyId && !row.revokedAt) row.revokedAt = at;
      }),
      deleteExpired: jest.fn(),
    } as unknown as RefreshTokensRepository;
    userCalls = jest.fn(async (pattern: string) => {
      if (pattern === USER_PATTERNS.verifyCredentials || pattern === USER_PATTERNS.findById) return USER;
      throw new Error(`unexpected ${pattern}`);
    });
    const registry = { client: () => ({ send: userCalls }) } as unknown as ServiceRegistry;
    revocations = { endSession: jest.fn(async (sid: string) => ({ kind: 'session', sid, at: 1, expiresAt: 2 })) };
    service = new TokensService(
      repo,
      revocations as unknown as RevocationsService,
      registry,
      verifier,
      new JwtService({ secret: verifier.key as unknown as string }),
      config,
    );
  });

  it('issues an access token the shared verifier accepts, with the expected claims', async () => {
    const pair = await service.login({ username: 'alice', password: 'pw' });
    expect(verifier.verify(pair.accessToken)).toMatchObject({ sub: USER.id, name: 'alice', role: 'user', iss: 'seedotech' });
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: config.jwt.accessTtlSec });
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    expect(rows.has(pair.refreshToken!)).toBe(false);
    expect(rows.has(hashRefreshToken(pair.refreshToken!))).toBe(true);
    // The credentials check goes out with a service token.
    expect(verifier.verify((userCalls.mock.calls[0] as [string, unknown, { token: string }])[2].token)).toMatchObject({
      role: 'service',
      name: 'auth',
    });
  });

  it('stores nothing for a v1 login that wants no refresh token', async () => {
    const pair = await service.login({ username: 'alice', password: 'pw', withRefreshToken: false });
    expect(pair.refreshToken).toBeUndefined();
    expect(rows.size).toBe(0);
  });

  it('rotates: a refresh spends the old token and keeps the family', async () => {
    const first = await service.login({ username: 'alice', password: 'pw' });
    const second = await service.refresh(first.refreshToken!);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const a = rows.get(hashRefreshToken(first.refreshToken!))!;
    const b = rows.get(hashRefreshToken(second.refreshToken!))!;
    expect(a.rotatedAt).toBeInstanceOf(Date);
    expect(b.familyId).toBe(a.familyId);
  });

  it('detects reuse: presenting a rotated token revokes the whole family, including the newest token', async () => {
    const first = await service.login({ username: 'alice', password: 'pw' });
    const second = await service.refresh(first.refreshToken!);
    await expect(service.refresh(first.refreshToken!)).rejects.toMatchObject({ status: 401 });
    expect(repo.revokeFamily).toHaveBeenCalledTimes(1);
    await expect(service.refresh(second.refreshToken!)).rejects.toMatchObject({ status: 401 });
  });

  it('leaves other sessions of the same user alone when one family is revoked', async () => {
    const laptop = await service.login({ username: 'alice', password: 'pw' });
    const phone = await service.login({ username: 'alice', password: 'pw' });
    await service.refresh(laptop.refreshToken!);
    await expect(service.refresh(laptop.refreshToken!)).rejects.toMatchObject({ status: 401 });
    await expect(service.refresh(phone.refreshToken!)).resolves.toHaveProperty('accessToken');
  });

  it('treats losing a concurrent rotation race as reuse', async () => {
    const first = await service.login({ username: 'alice', password: 'pw' });
    (repo.markRotated as jest.Mock).mockResolvedValueOnce(false);
    await expect(service.refresh(first.refreshToken!)).rejects.toMatchObject({ status: 401 });
    expect(repo.revokeFamily).toHaveBeenCalled();
  });

  it('refuses unknown, expired and logged-out tokens', async () => {
    await expect(service.refresh('never-issued')).rejects.toMatchObject({ status: 401 });
    const pair = await service.login({ username: 'alice', password: 'pw' });
    rows.get(hashRefreshToken(pair.refreshToken!))!.expiresAt = new Date(Date.now() - 1000);
    await expect(service.refresh(pair.refreshToken!)).rejects.toMatchObject({ status: 401 });
    const other = await service.login({ username: 'alice', password: 'pw' });
    await service.logout(other.refreshToken!);
    await expect(service.refresh(other.refreshToken!)).rejects.toMatchObject({ status: 401 });
  });

  it('revokes the family when the account is gone, and keeps the token usable when the user service is down', async () => {
    const pair = await service.login({ username: 'alice', password: 'pw' });
    userCalls.mockRejectedValueOnce(AppError.unavailable('The user service is unavailable'));
    await expect(service.refresh(pair.refreshToken!)).rejects.toMatchObject({ status: 503 });
    expect(rows.get(hashRefreshToken(pair.refreshToken!))!.rotatedAt).toBeNull();
    userCalls.mockRejectedValueOnce(AppError.notFound('User not found'));
    await expect(service.refresh(pair.refreshToken!)).rejects.toMatchObject({ status: 401 });
    expect(rows.get(hashRefreshToken(pair.refreshToken!))!.revokedAt).toBeInstanceOf(Date);
  });

  it('puts the session id (the refresh token family) and its start into access tokens, and keeps both on refresh', async () => {
    const before = Date.now();
    const pair = await service.login({ username: 'alice', password: 'pw' });
    const first = verifier.verify(pair.accessToken);
    expect(first.sid).toBe(rows.get(hashRefreshToken(pair.refreshToken!))!.familyId);
    expect(first.sat).toBeGreaterThanOrEqual(before);
    const second = verifier.verify((await service.refresh(pair.refreshToken!)).accessToken);
    expect(second).toMatchObject({ sid: first.sid, sat: first.sat });
    expect(verifier.verify((await service.login({ username: 'alice', password: 'pw', withRefreshToken: false })).accessToken).sid).toMatch(
      /-/,
    );
  });

  it('logout ends the refresh token family and the bearer token session', async () => {
    const laptop = await service.login({ username: 'alice', password: 'pw' });
    const phone = await service.login({ username: 'alice', password: 'pw' });
    const answered = await service.logout(laptop.refreshToken!, phone.accessToken);
    expect(answered.map((r) => r.sid).sort()).toEqual(revocations.endSession.mock.calls.map((c: unknown[]) => c[0] as string).sort());
    expect(revocations.endSession.mock.calls.map((c: unknown[]) => c[0] as string).sort()).toEqual(
      [verifier.verify(laptop.accessToken).sid, verifier.verify(phone.accessToken).sid].sort(),
    );
    await expect(service.refresh(laptop.refreshToken!)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a refresh of a session that started before every session of the user ended (password change, delete)', async () => {
    const pair = await service.login({ username: 'alice', password: 'pw' });
    verifier.revocations.apply([{ pos: 'p1', kind: 'user', userId: USER.id, at: Date.now() + 1, expiresAt: Date.now() + 60_000 }]);
    await expect(service.refresh(pair.refreshToken!)).rejects.toMatchObject({ status: 401 });
    expect(rows.get(hashRefreshToken(pair.refreshToken!))!.revokedAt).toBeInstanceOf(Date);
  });

  it('refuses at once a refresh of a session older than a password change the user service reports, before any revocation arrives', async () => {
    const pair = await service.login({ username: 'alice', password: 'pw' });
    userCalls.mockResolvedValueOnce({ ...USER, sessionsEndedAt: Date.now() + 1 });
    await expect(service.refresh(pair.refreshToken!)).rejects.toMatchObject({ status: 401 });
    expect(rows.get(hashRefreshToken(pair.refreshToken!))!.revokedAt).toBeInstanceOf(Date);
    const fresh = await service.login({ username: 'alice', password: 'pw' });
    userCalls.mockResolvedValueOnce({ ...USER, sessionsEndedAt: Date.now() - 60_000 });
    await expect(service.refresh(fresh.refreshToken!)).resolves.toHaveProperty('accessToken');
  });
});
