import { GUARDS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/common';
import { routeAccess } from '../../auth/auth.guard';
import { LoginThrottlerGuard } from '../../identity/login-throttler.guard';
import type { LoginService } from '../../identity/login.service';
import { V1AuthController } from './v1-auth.controller';

const CLIENT = { ip: '10.0.0.2', setDeviceToken: () => undefined };

describe('V1AuthController', () => {
  const logins = {
    login: jest.fn(async () => ({ accessToken: 'access', refreshToken: undefined, tokenType: 'Bearer', expiresIn: 3600 })),
    rejectEmpty: jest.fn((): never => {
      throw AppError.unauthorized('Invalid username or password');
    }),
  };
  const controller = new V1AuthController(logins as unknown as LoginService);
  beforeEach(() => jest.clearAllMocks());

  it('keeps both original login routes public and behind the failed-login throttle', () => {
    for (const method of ['adminAuth', 'movieLogin'] as const) {
      expect(routeAccess(new Reflector(), [V1AuthController.prototype[method], V1AuthController]).public).toBe(true);
    }
    expect(Reflect.getMetadata(GUARDS_METADATA, V1AuthController)).toContain(LoginThrottlerGuard);
  });

  it('answers {token} with an access token only: v1 clients get no refresh token stored', async () => {
    await expect(controller.movieLogin({ user: 'alice', password: 'pw' }, CLIENT)).resolves.toEqual({ token: 'access' });
    expect(logins.login).toHaveBeenCalledWith('alice', 'pw', false, CLIENT);
  });

  it('refuses an empty user or password as a failed login, without asking the auth service', async () => {
    await expect(controller.adminAuth({ user: 'admin' }, CLIENT)).rejects.toMatchObject({ status: 401 });
    await expect(controller.adminAuth({ password: 'pw' }, CLIENT)).rejects.toMatchObject({ status: 401 });
    expect(logins.login).not.toHaveBeenCalled();
  });
});
