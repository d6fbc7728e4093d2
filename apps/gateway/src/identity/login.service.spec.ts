import { IdentityClient } from './identity.client';
import { LoginService } from './login.service';

describe('LoginService', () => {
  it('passes the client address to the auth service, which throttles failed logins itself', async () => {
    const pair = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer' as const, expiresIn: 3600 };
    const login = jest.fn().mockResolvedValue(pair);
    const service = new LoginService({ login } as unknown as IdentityClient);
    await expect(service.login('amy', 'ok', false, '127.0.0.2')).resolves.toBe(pair);
    expect(login).toHaveBeenCalledWith({ username: 'amy', password: 'ok', withRefreshToken: false }, '127.0.0.2');
  });

  it('answers empty fields like a wrong password', () => {
    const service = new LoginService({} as IdentityClient);
    expect(() => service.rejectEmpty()).toThrow(expect.objectContaining({ status: 401, code: 1103 }));
  });
});
