import { setTimeout as sleep } from 'node:timers/promises';
import { WriteBatcher } from './write-batcher.util';

describe('WriteBatcher', () => {
  it('stores what arrives during a write as the next batch, and answers each item its own outcome', async () => {
    const batches: number[][] = [];
    const batcher = new WriteBatcher<number, string>(3, async (items) => {
      batches.push(items);
      await sleep(10);
      return items.map((n) => (n === 4 ? new Error('four') : `ok ${n}`));
    });
    const first = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    // Added while the first batch is being written: the next batch.
    await sleep(2);
    const during = [6, 7].map((n) => batcher.add(n));
    const outcomes = await Promise.allSettled([...first, ...during]);
    // What arrives in one turn of the event loop goes together, in batches of at most three.
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'ok 1',
      'ok 2',
      'ok 3',
      'four',
      'ok 5',
      'ok 6',
      'ok 7',
    ]);
  });

  it('fails every item of a batch whose write throws, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new WriteBatcher<number>(10, async (items) => {
      calls++;
      await sleep(5);
      if (calls === 1) throw new Error('database away');
      return items.map(() => undefined);
    });
    const first = batcher.add(1);
    await sleep(1);
    const later = [batcher.add(2), batcher.add(3)];
    await expect(first).rejects.toThrow('database away');
    await expect(Promise.all(later)).resolves.toEqual([undefined, undefined]);
  });
});
