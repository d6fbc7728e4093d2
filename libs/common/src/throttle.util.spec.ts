import { atMostEvery } from './throttle.util';

describe('atMostEvery', () => {
  it('calls through at most once per interval and drops the calls in between', () => {
    let now = 1_000;
    const seen: string[] = [];
    const warn = atMostEvery(
      30_000,
      (m: string) => seen.push(m),
      () => now,
    );
    warn('first');
    now += 29_999;
    warn('dropped');
    now += 1;
    warn('second');
    now += 5;
    warn('dropped too');
    expect(seen).toEqual(['first', 'second']);
  });
});
