import { loadConfig } from '@app/config';
import { FailedLogins } from './failed-logins';

describe('FailedLogins', () => {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_FAILED_LOGIN_LIMIT: '3', AUTH_FAILED_LOGIN_WINDOW_SEC: '60' });
  let now = 0;
  const tracker = () => new FailedLogins(config, () => now);

  beforeEach(() => (now = 1_000_000));

  it('blocks a username after the limit of failures, whatever its case, until the window ends', () => {
    const failures = tracker();
    for (let i = 0; i < 3; i++) {
      expect(failures.blockedFor('Alice')).toBe(0);
      failures.recordFailure(i % 2 ? 'ALICE' : 'alice');
    }
    expect(failures.blockedFor('alice')).toBe(60);
    now += 59_500;
    expect(failures.blockedFor('aLiCe')).toBe(1);
    now += 500;
    expect(failures.blockedFor('alice')).toBe(0);
  });

  it('keeps names apart and forgets a name on success', () => {
    const failures = tracker();
    for (let i = 0; i < 3; i++) failures.recordFailure('bob');
    expect(failures.blockedFor('carol')).toBe(0);
    failures.recordFailure('carol');
    failures.recordFailure('carol');
    failures.reset('carol');
    failures.recordFailure('carol');
    expect(failures.blockedFor('carol')).toBe(0);
    expect(failures.blockedFor('bob')).toBeGreaterThan(0);
  });
});
