import type { RevocationEvent } from '@app/contracts';
import { AccessClaims } from './claims.types';
import { RevocationListService } from './revocation-list.service';

describe('RevocationListService', () => {
  const now = Date.now();
  const later = now + 60_000;
  const claims = (over: Partial<AccessClaims> = {}): AccessClaims => ({
    sub: 'u1',
    name: 'alice',
    role: 'admin',
    jti: 'j',
    iat: Math.floor(now / 1000) - 10,
    exp: Math.floor(now / 1000) + 3600,
    iss: 'seedotech',
    sid: 's1',
    sat: now - 10_000,
    ...over,
  });
  const event = (e: Partial<RevocationEvent>): RevocationEvent => ({
    pos: String(Math.random()),
    kind: 'session',
    at: now,
    expiresAt: later,
    ...e,
  });

  it('refuses an ended session and leaves other sessions of the user alone', () => {
    const list = new RevocationListService();
    list.apply([event({ kind: 'session', sid: 's1' })]);
    expect(() => list.check(claims())).toThrow(expect.objectContaining({ status: 401 }) as Error);
    expect(list.check(claims({ sid: 's2' }))).toMatchObject({ sid: 's2' });
  });

  it('takes answered revocations at once, outside the stream, and the copy the stream brings after changes nothing', () => {
    const list = new RevocationListService();
    list.applyAnswered([
      { kind: 'user', userId: 'u1', at: now, expiresAt: later },
      { kind: 'session', sid: 'old', at: now, expiresAt: now - 1 },
    ]);
    expect(() => list.check(claims())).toThrow(expect.objectContaining({ status: 401 }) as Error);
    expect(list.check(claims({ sat: now + 1 }))).toMatchObject({ sub: 'u1' });
    expect(list.check(claims({ sid: 'old', sat: now + 1 }))).toMatchObject({ sid: 'old' });
    list.apply([event({ kind: 'user', userId: 'u1', at: now })]);
    expect(list.check(claims({ sat: now + 1 }))).toMatchObject({ sub: 'u1' });
    expect(list.size).toEqual({ sessions: 0, users: 1 });
  });

  it('ends every session that started before a password change or delete, not those after', () => {
    const list = new RevocationListService();
    list.apply([event({ kind: 'user', userId: 'u1', at: now })]);
    expect(() => list.check(claims({ sat: now - 1 }))).toThrow(expect.objectContaining({ status: 401 }) as Error);
    expect(list.check(claims({ sat: now + 1 }))).toMatchObject({ sid: 's1' });
    // A token without a session start (issued before sessions existed) counts from its issue time.
    expect(() => list.check(claims({ sat: undefined }))).toThrow(expect.objectContaining({ status: 401 }) as Error);
    expect(list.check(claims({ sub: 'u2' }))).toMatchObject({ sub: 'u2' });
    expect(list.sessionEnded('u1', 'sX', now - 1)).toBe(true);
    expect(list.sessionEnded('u1', 'sX', now + 1)).toBe(false);
  });

  it('gives sessions started before a role change the new role, the newest change winning', () => {
    const list = new RevocationListService();
    list.apply([event({ kind: 'role', userId: 'u1', role: 'user', at: now - 5000 })]);
    expect(list.check(claims()).role).toBe('user');
    list.apply([
      event({ kind: 'role', userId: 'u1', role: 'admin', at: now }),
      event({ kind: 'role', userId: 'u1', role: 'user', at: now - 1 }),
    ]);
    expect(list.check(claims({ role: 'user' })).role).toBe('admin');
    expect(list.check(claims({ sat: now + 1, role: 'user' })).role).toBe('user');
  });

  it('ignores expired entries and never touches service tokens', () => {
    const list = new RevocationListService();
    list.apply([event({ kind: 'session', sid: 's1', expiresAt: now - 1 }), event({ kind: 'user', userId: 'service:movie' })]);
    expect(list.check(claims())).toMatchObject({ sid: 's1' });
    expect(list.check(claims({ sub: 'service:movie', role: 'service', sid: undefined, sat: undefined }))).toMatchObject({
      role: 'service',
    });
  });
});

describe('RevocationListService fed from the stream', () => {
  it('takes each position once, however often the stream delivers it', () => {
    const list = new RevocationListService();
    const e = (pos: string, userId: string): RevocationEvent => ({ pos, kind: 'user', userId, at: 1000, expiresAt: Date.now() + 60_000 });
    list.apply([e('0000000000001-a', 'u1')]);
    // A later role change of the same user, then the first event again (a replay): the end of sessions stays.
    list.apply([{ pos: '0000000000002-a', kind: 'role', userId: 'u1', role: 'admin', at: 2000, expiresAt: Date.now() + 60_000 }]);
    list.apply([e('0000000000001-a', 'u1')]);
    expect(() => list.check({ sub: 'u1', role: 'user', iat: 0, sat: 500 } as never)).toThrow(expect.objectContaining({ status: 401 }) as Error);
    expect(list.check({ sub: 'u1', role: 'user', iat: 0, sat: 1500 } as never)).toMatchObject({ role: 'admin' });
    expect(list.size).toEqual({ sessions: 0, users: 1 });
  });
});
