import { ServiceCredential } from './service-auth.guard';

describe('ServiceCredential', () => {
  const SECRET = 'a'.repeat(32);
  let now = 1_700_000_000_000;
  const clock = () => now;
  const credential = () => new ServiceCredential(SECRET, 30_000, clock);
  const envelope = { meta: { requestId: 'r1' }, data: { username: 'x', password: 'y' } };

  beforeEach(() => (now += 1_000_000));

  it('accepts a message signed with the same secret, once', () => {
    const sender = credential();
    const receiver = credential();
    const auth = sender.sign('user.register', envelope);
    expect(receiver.verify('user.register', JSON.parse(JSON.stringify(envelope)), auth)).toBeUndefined();
    expect(receiver.verify('user.register', envelope, auth)).toBe('replayed');
  });

  it('refuses a missing, malformed or foreign credential', () => {
    const receiver = credential();
    expect(receiver.verify('user.list', envelope, undefined)).toBe('missing');
    expect(receiver.verify('user.list', envelope, { v: 1, ts: now, nonce: 'short', sig: 'x' })).toBe('malformed');
    expect(receiver.verify('user.list', envelope, { v: 2, ts: now, nonce: 'n'.repeat(20), sig: 'x' })).toBe('malformed');
    const foreign = new ServiceCredential('b'.repeat(32), 30_000, clock).sign('user.list', envelope);
    expect(receiver.verify('user.list', envelope, foreign)).toBe('bad-signature');
  });

  it('binds the signature to the pattern and to every byte of the body', () => {
    const c = credential();
    const auth = c.sign('user.findById', envelope);
    expect(c.verify('user.delete', envelope, auth)).toBe('bad-signature');
    expect(c.verify('user.findById', { ...envelope, meta: { requestId: 'r2' } }, auth)).toBe('bad-signature');
    expect(c.verify('user.findById', envelope, { ...auth, ts: auth.ts + 1 })).toBe('bad-signature');
    expect(c.verify('user.findById', envelope, { ...auth, sig: auth.sig.slice(0, -2) })).toBe('bad-signature');
  });

  it('refuses a message older or newer than the skew window', () => {
    const sender = credential();
    const receiver = credential();
    const old = sender.sign('movie.list', envelope);
    now += 30_001;
    expect(receiver.verify('movie.list', envelope, old)).toBe('expired');
    const future = sender.sign('movie.list', envelope);
    now -= 60_002;
    expect(receiver.verify('movie.list', envelope, future)).toBe('expired');
  });

  it('remembers a nonce for as long as its message could still be fresh (a sender clock ahead by almost the window)', () => {
    const receiver = credential();
    now += 29_000;
    const ahead = credential().sign('movie.list', envelope);
    now -= 29_000;
    expect(receiver.verify('movie.list', envelope, ahead)).toBeUndefined();
    for (let step = 0; step < 6; step++) {
      now += 9_800;
      expect(receiver.verify('movie.list', envelope, ahead)).toBe('replayed');
    }
    now += 2_000;
    expect(receiver.verify('movie.list', envelope, ahead)).toBe('expired');
  });
});
