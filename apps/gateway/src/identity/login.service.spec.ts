import { loadConfig } from '@app/config';
import { AUTH_PATTERNS } from '@app/contracts';
import type { ServiceClient } from '@app/resilience';
import { deviceTokenOf } from './login-client.decorator';
import { LoginService } from './login.service';

const config = loadConfig({ NODE_ENV: 'test' });

describe('LoginService', () => {
  it('passes the client address and device token to the auth service, and the new device token to the client only', async () => {
    const pair = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer' as const, expiresIn: 3600 };
    const send = jest.fn().mockResolvedValue({ ...pair, deviceToken: 'dev-2' });
    const setDeviceToken = jest.fn();
    const service = new LoginService({ send } as unknown as ServiceClient, config);
    await expect(service.login('amy', 'ok', false, { ip: '127.0.0.2', deviceToken: 'dev-1', setDeviceToken })).resolves.toEqual(pair);
    expect(send).toHaveBeenCalledWith(
      AUTH_PATTERNS.login,
      { username: 'amy', password: 'ok', withRefreshToken: false, deviceToken: 'dev-1' },
      { clientIp: '127.0.0.2' },
    );
    expect(setDeviceToken).toHaveBeenCalledWith('dev-2', config.jwt.refreshTtlDays * 86400);
  });

  it('reads the device cookie only when it has the shape of a device token', () => {
    const token = `${'e'.repeat(40)}.${'s'.repeat(43)}`;
    expect(deviceTokenOf(`a=1; mp_device=${token}; b=2`)).toBe(token);
    expect(deviceTokenOf('mp_device={"$ne":null}')).toBeUndefined();
    expect(deviceTokenOf(['x=1', `mp_device=${token}`])).toBe(token);
    expect(deviceTokenOf(undefined)).toBeUndefined();
  });

  it('answers empty fields like a wrong password', () => {
    const service = new LoginService({} as ServiceClient, config);
    expect(() => service.rejectEmpty()).toThrow(expect.objectContaining({ status: 401, code: 1103 }) as Error);
  });
});
