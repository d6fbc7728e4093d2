import { KeyedMutex } from './keyed-mutex';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedMutex', () => {
  it('never overlaps tasks of one key and keeps their order, even when one fails', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    let active = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        active++;
        expect(active).toBe(1);
        events.push(`start ${name}`);
        await sleep(5);
        events.push(`end ${name}`);
        active--;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([mutex.run('m', task('a')), mutex.run('m', task('b', true)), mutex.run('m', task('c'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs different keys concurrently', async () => {
    const mutex = new KeyedMutex();
    let active = 0;
    let peak = 0;
    const task = async () => {
      peak = Math.max(peak, ++active);
      await sleep(10);
      active--;
    };
    await Promise.all([mutex.run('x', task), mutex.run('y', task)]);
    expect(peak).toBe(2);
  });
});
