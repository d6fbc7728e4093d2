import { AUTH_PATTERNS } from '@app/contracts';
import type { ServiceClient } from '@app/resilience';
import { LoginService } from './login.service';

describe('LoginService', () => {
  it('passes the client address to the auth service, which throttles failed logins itself', async () => {
    const pair = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer' as const, expiresIn: 3600 };
    const send = jest.fn().mockResolvedValue(pair);
    const service = new LoginService({ send } as unknown as ServiceClient);
    await expect(service.login('amy', 'ok', false, '127.0.0.2')).resolves.toBe(pair);
    expect(send).toHaveBeenCalledWith(
      AUTH_PATTERNS.login,
      { username: 'amy', password: 'ok', withRefreshToken: false },
      { clientIp: '127.0.0.2' },
    );
  });

  it('answers empty fields like a wrong password', () => {
    const service = new LoginService({} as ServiceClient);
    expect(() => service.rejectEmpty()).toThrow(expect.objectContaining({ status: 401, code: 1103 }) as Error);
  });
});
