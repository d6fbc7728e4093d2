import { loadConfig } from '@app/config';
import { LoginThrottleService } from './login-throttle.service';

describe('LoginThrottleService', () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    AUTH_FAILED_LOGIN_LIMIT: '3',
    AUTH_FAILED_LOGIN_CLIENT_LIMIT: '5',
    AUTH_FAILED_LOGIN_BASE_DELAY_SEC: '2',
    AUTH_FAILED_LOGIN_WINDOW_SEC: '60',
  });
  let now = 0;
  const throttle = () => new LoginThrottleService(config, () => now);

  beforeEach(() => (now = 1_000_000));

  it('blocks an account from one client after the limit, with a delay that doubles per further failure, whatever the case', () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.blockedFor('Alice', 'A')).toBe(0);
      t.recordFailure(i % 2 ? 'ALICE' : 'alice', 'A');
    }
    expect(t.blockedFor('alice', 'A')).toBe(2);
    now += 2_000;
    expect(t.blockedFor('alice', 'A')).toBe(0);
    t.recordFailure('alice', 'A');
    expect(t.blockedFor('alice', 'A')).toBe(4);
    now += 4_000;
    t.recordFailure('alice', 'A');
    expect(t.blockedFor('alice', 'A')).toBe(8);
  });

  it('never blocks the owner signing in from another client', () => {
    const t = throttle();
    for (let i = 0; i < 4; i++) t.recordFailure('admin', 'A');
    expect(t.blockedFor('admin', 'A')).toBeGreaterThan(0);
    expect(t.blockedFor('admin', 'B')).toBe(0);
  });

  it('blocks a client trying many accounts once its own limit is reached, and only that client', () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) t.recordFailure(`user${i}`, 'A');
    expect(t.blockedFor('someone-else', 'A')).toBe(2);
    expect(t.blockedFor('someone-else', 'B')).toBe(0);
  });

  it('caps the delay at the window, forgets a key a window after its last failure, and clears an account on success', () => {
    const t = throttle();
    for (let i = 0; i < 20; i++) t.recordFailure('bob', 'A');
    expect(t.blockedFor('bob', 'A')).toBe(60);
    now += 60_000;
    expect(t.blockedFor('bob', 'A')).toBe(0);
    t.recordFailure('carol', 'B');
    t.recordFailure('carol', 'B');
    t.recordSuccess('carol', 'B');
    t.recordFailure('carol', 'B');
    t.recordFailure('carol', 'B');
    expect(t.blockedFor('carol', 'B')).toBe(0);
  });
});
