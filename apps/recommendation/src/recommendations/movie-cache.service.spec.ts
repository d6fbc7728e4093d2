import type { MovieDto } from '@app/contracts';
import { MovieCache } from './movie-cache.service';

const movie = (id: string) => ({ id, name: id }) as MovieDto;

describe('MovieCache', () => {
  it('loads only what it lacks, remembers deleted movies, and reloads after the TTL', async () => {
    const cache = new MovieCache(1000, 100);
    const asked: string[][] = [];
    const load = async (ids: string[]) => {
      asked.push(ids);
      return ids.filter((id) => id !== 'gone').map(movie);
    };
    expect([...(await cache.get(['a', 'b', 'gone'], load, 0)).keys()]).toEqual(['a', 'b']);
    expect([...(await cache.get(['a', 'c', 'gone'], load, 500)).keys()]).toEqual(['a', 'c']);
    expect(asked).toEqual([['a', 'b', 'gone'], ['c']]);
    await cache.get(['a'], load, 1600);
    expect(asked[2]).toEqual(['a']);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = new MovieCache(10_000, 2);
    const asked: string[][] = [];
    const load = async (ids: string[]) => (asked.push(ids), ids.map(movie));
    await cache.get(['a'], load, 0);
    await cache.get(['b'], load, 1);
    await cache.get(['c'], load, 2);
    await cache.get(['b', 'c', 'a'], load, 3);
    expect(asked.at(-1)).toEqual(['a']);
  });
});
