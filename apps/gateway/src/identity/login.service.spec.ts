import { AppError } from '@app/common';
import { loadConfig } from '@app/config';
import { FailedLogins } from './failed-logins';
import { IdentityClient } from './identity.client';
import { LoginService } from './login.service';

describe('LoginService', () => {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_FAILED_LOGIN_LIMIT: '2' });
  const pair = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer' as const, expiresIn: 3600 };
  let login: jest.Mock;
  let service: LoginService;

  beforeEach(() => {
    login = jest.fn();
    service = new LoginService({ login } as unknown as IdentityClient, new FailedLogins(config));
  });

  it('counts only bad credentials, then answers 429 with Retry-After without asking the auth service', async () => {
    login.mockRejectedValueOnce(AppError.unavailable('The auth service is unavailable'));
    login.mockRejectedValue(AppError.unauthorized('Invalid username or password'));
    await expect(service.login('eve', 'x', true)).rejects.toMatchObject({ status: 503 });
    await expect(service.login('eve', 'x', true)).rejects.toMatchObject({ status: 401 });
    await expect(service.login('EVE', 'x', true)).rejects.toMatchObject({ status: 401 });
    login.mockClear();
    const locked = await service.login('eve', 'right', true).catch((e: AppError) => e);
    expect(locked).toMatchObject({ status: 429, retryAfter: config.auth.failedLoginWindowSec });
    expect(login).not.toHaveBeenCalled();
  });

  it('forgets earlier failures after a successful login', async () => {
    login.mockRejectedValueOnce(AppError.unauthorized()).mockResolvedValueOnce(pair).mockRejectedValue(AppError.unauthorized());
    await expect(service.login('amy', 'x', true)).rejects.toMatchObject({ status: 401 });
    await expect(service.login('amy', 'ok', false)).resolves.toBe(pair);
    expect(login).toHaveBeenLastCalledWith({ username: 'amy', password: 'ok', withRefreshToken: false });
    await expect(service.login('amy', 'x', true)).rejects.toMatchObject({ status: 401 });
    await expect(service.login('amy', 'x', true)).rejects.toMatchObject({ status: 401 });
  });
});
