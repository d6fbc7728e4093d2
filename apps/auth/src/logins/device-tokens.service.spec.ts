import { loadConfig } from '@app/config';
import { DeviceTokensService } from './device-tokens.service';

describe('DeviceTokensService', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  let now = 1_000_000;
  const devices = new DeviceTokensService(config, () => now);

  it('names the device of its own token, for that account (any case) only, and keeps the id when issued again', () => {
    const token = devices.issue('Alice');
    const id = devices.deviceOf(token, 'alice');
    expect(id).toEqual(expect.any(String));
    expect(devices.deviceOf(token, 'ALICE')).toBe(id);
    expect(devices.deviceOf(token, 'bob')).toBeUndefined();
    expect(devices.deviceOf(devices.issue('alice', id), 'alice')).toBe(id);
  });

  it('ignores altered, foreign, malformed and expired tokens', () => {
    const token = devices.issue('alice');
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'alice', d: 'mine', t: now })).toString('base64url');
    expect(devices.deviceOf(`${forged}.${sig}`, 'alice')).toBeUndefined();
    expect(
      devices.deviceOf(new DeviceTokensService(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) })).issue('alice'), 'alice'),
    ).toBeUndefined();
    for (const bad of ['', 'x', `${body}.${sig}.x`, `${body}.short`, '..']) expect(devices.deviceOf(bad, 'alice')).toBeUndefined();
    now += config.jwt.refreshTtlDays * 24 * 60 * 60 * 1000;
    expect(devices.deviceOf(token, 'alice')).toBeUndefined();
  });
});
