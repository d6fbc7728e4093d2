import { GUARDS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { Principal, RevocationListService } from '@app/auth';
import { AppError } from '@app/common';
import { AUTH_PATTERNS, USER_PATTERNS } from '@app/contracts';
import type { ServiceClient } from '@app/resilience';
import { routeAccess } from '../../auth/auth.guard';
import { LoginThrottlerGuard } from '../../identity/login-throttler.guard';
import type { LoginService } from '../../identity/login.service';
import { SessionChangesService } from '../../identity/session-changes.service';
import { V2AuthController } from './v2-auth.controller';

const caller: Principal = { id: 'a'.repeat(24), username: 'alice', role: 'user', jti: 'j', exp: 0 };

describe('V2AuthController', () => {
  const users = { send: jest.fn(async (): Promise<unknown> => ({ id: caller.id, username: 'alice', role: 'user', createdAt: 't' })) };
  const auth = { send: jest.fn(async (): Promise<unknown> => ({ accessToken: 'a', refreshToken: 'r' })) };
  const logins = { login: jest.fn(async () => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresIn: 3600 })) };
  const controller = new V2AuthController(
    users as unknown as ServiceClient,
    auth as unknown as ServiceClient,
    logins as unknown as LoginService,
    new SessionChangesService(users as unknown as ServiceClient, auth as unknown as ServiceClient, new RevocationListService()),
  );
  const access = (method: keyof V2AuthController) => routeAccess(new Reflector(), [V2AuthController.prototype[method], V2AuthController]);
  const guards = (method: keyof V2AuthController) =>
    (Reflect.getMetadata(GUARDS_METADATA, V2AuthController.prototype[method]) as unknown[]) ?? [];
  beforeEach(() => jest.clearAllMocks());

  it('opens sign-up, login, refresh and logout to anyone, throttling the two that guess passwords or names; /me needs a token', () => {
    for (const open of ['register', 'login', 'refresh', 'logout'] as const) expect([open, access(open).public]).toEqual([open, true]);
    expect(guards('register')).toContain(LoginThrottlerGuard);
    expect(guards('login')).toContain(LoginThrottlerGuard);
    expect(access('me')).toEqual({ public: false, roles: [] });
  });

  it('logs in for a refresh token too, with the client address for the failed-login limits', async () => {
    const client = { ip: '10.0.0.1', setDeviceToken: () => undefined };
    await controller.login({ username: 'alice', password: 'pw' }, client);
    expect(logins.login).toHaveBeenCalledWith('alice', 'pw', true, client);
  });

  it('registers through the user service with only the sign-up fields and the request id, no token', async () => {
    await controller.register({ username: 'alice', password: 'long-enough' }, 'req-1');
    expect(users.send).toHaveBeenCalledWith(USER_PATTERNS.register, { username: 'alice', password: 'long-enough' }, { requestId: 'req-1' });
  });

  it("ends the bearer's session too on logout only when a bearer token came", async () => {
    await controller.logout({ refreshToken: 'r' });
    expect(auth.send).toHaveBeenLastCalledWith(AUTH_PATTERNS.logout, { refreshToken: 'r' }, { requestId: undefined });
    await controller.logout({ refreshToken: 'r' }, 'tok', 'req-2');
    expect(auth.send).toHaveBeenLastCalledWith(AUTH_PATTERNS.logout, { refreshToken: 'r', accessToken: 'tok' }, { requestId: 'req-2' });
  });

  it('answers /me with the public fields of the account the token names', async () => {
    await expect(controller.me(caller, 'tok')).resolves.toEqual({ id: caller.id, username: 'alice', role: 'user' });
    expect(users.send).toHaveBeenCalledWith(USER_PATTERNS.findById, { id: caller.id }, { token: 'tok', idempotent: true });
  });

  it('turns a deleted account into 401 on /me, and passes other failures on', async () => {
    users.send.mockRejectedValueOnce(AppError.notFound('User not found'));
    await expect(controller.me(caller, 'tok')).rejects.toMatchObject({ status: 401, message: 'The account no longer exists' });
    users.send.mockRejectedValueOnce(AppError.unavailable('down', 5));
    await expect(controller.me(caller, 'tok')).rejects.toMatchObject({ status: 503 });
  });
});
