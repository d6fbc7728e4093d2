import { AccessClaims, RevocationListService } from '@app/auth';
import { AUTH_PATTERNS, Revocation, USER_PATTERNS } from '@app/contracts';
import type { ServiceClient } from '@app/resilience';
import { SessionChangesService } from './session-changes.service';

const USER_ID = 'a'.repeat(24);
const claims = (over: Partial<AccessClaims> = {}): AccessClaims => ({
  sub: USER_ID,
  name: 'alice',
  role: 'admin',
  jti: 'j',
  iss: 'seedotech',
  iat: 1,
  exp: 2,
  sid: 's1',
  sat: Date.now() - 1000,
  ...over,
});
const later = () => Date.now() + 60_000;

describe('SessionChangesService', () => {
  const send = jest.fn();
  const client = { send } as unknown as ServiceClient;
  let list: RevocationListService;
  let service: SessionChangesService;
  beforeEach(() => {
    send.mockReset();
    list = new RevocationListService();
    service = new SessionChangesService(client, client, list);
  });

  it('refuses the ended session from the next check on, as the auth service answered the logout', async () => {
    const ended: Revocation = { kind: 'session', sid: 's1', at: Date.now(), expiresAt: later() };
    send.mockResolvedValueOnce({ revoked: true, revocations: [ended] });
    await service.logout('r', 'tok', 'req-1');
    expect(send).toHaveBeenCalledWith(AUTH_PATTERNS.logout, { refreshToken: 'r', accessToken: 'tok' }, { requestId: 'req-1' });
    expect(() => list.check(claims())).toThrow(expect.objectContaining({ status: 401 }) as Error);
    expect(list.check(claims({ sid: 's2' }))).toMatchObject({ sid: 's2' });
  });

  it('applies the role and the end of sessions the user service answered, and answers the changed user', async () => {
    const user = { id: USER_ID, username: 'alice', role: 'user', createdAt: 't', updatedAt: 't' };
    send.mockResolvedValueOnce({
      user,
      revocations: [{ kind: 'role', userId: USER_ID, role: 'user', at: Date.now(), expiresAt: later() }],
    });
    await expect(service.updateUser({ id: USER_ID, role: 'user' }, 'tok')).resolves.toEqual(user);
    expect(send).toHaveBeenCalledWith(USER_PATTERNS.update, { id: USER_ID, role: 'user' }, { token: 'tok' });
    expect(list.check(claims())).toMatchObject({ role: 'user' });
    send.mockResolvedValueOnce({ revocations: [{ kind: 'user', userId: USER_ID, at: Date.now(), expiresAt: later() }] });
    await service.deleteUser(USER_ID, 'tok');
    expect(() => list.check(claims())).toThrow(expect.objectContaining({ status: 401 }) as Error);
    // A session that started after the change goes on.
    expect(list.check(claims({ sat: Date.now() + 1 }))).toMatchObject({ sub: USER_ID });
  });

  it('applies nothing when the service refused the change', async () => {
    send.mockRejectedValueOnce({ status: 403, code: 1101, message: 'no' });
    await expect(service.deleteUser(USER_ID, 'tok')).rejects.toMatchObject({ status: 403 });
    expect(list.size).toEqual({ sessions: 0, users: 0 });
  });
});
