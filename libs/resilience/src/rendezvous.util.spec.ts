import { rendezvous } from './rendezvous.util';

const items = (...specs: [string, number][]) => specs.map(([id, weight]) => ({ id, weight }));
const pick = (key: string, list: { id: string; weight: number }[]) =>
  rendezvous(
    key,
    list,
    (i) => i.id,
    (i) => i.weight,
  )?.id;

describe('rendezvous', () => {
  const keys = Array.from({ length: 4000 }, (_, i) => `movie-${i}`);

  it('gives a key the same item whatever the order callers list them in', () => {
    const a = items(['10.0.0.1:8809', 1], ['10.0.0.2:8809', 1], ['10.0.0.3:8809', 1]);
    for (const key of keys.slice(0, 200)) expect(pick(key, [...a].reverse())).toBe(pick(key, a));
  });

  it('spreads keys by weight', () => {
    const list = items(['a', 3], ['b', 1]);
    const toA = keys.filter((k) => pick(k, list) === 'a').length / keys.length;
    expect(toA).toBeGreaterThan(0.7);
    expect(toA).toBeLessThan(0.8);
  });

  it('moves only the keys of an item that leaves', () => {
    const all = items(['a', 1], ['b', 1], ['c', 1]);
    const without = all.filter((i) => i.id !== 'c');
    for (const key of keys) {
      const before = pick(key, all);
      if (before !== 'c') expect(pick(key, without)).toBe(before);
    }
  });

  it('has nothing to pick from an empty list', () => {
    expect(pick('movie-1', [])).toBeUndefined();
  });
});
