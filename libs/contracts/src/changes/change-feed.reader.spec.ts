import { ChangeFeedReader } from './change-feed.reader';
import { changePosition, positionAt } from './change-position.util';
import { ChangeEvent, ChangesPage } from './changes.payloads';

/** An in-memory feed whose events become visible when the test says so, like inserts of concurrent writers. */
class FakeFeed {
  readonly visible: ChangeEvent[] = [];
  horizon = positionAt(0);
  reads = 0;

  show(ms: number, seq: number, userId: string, score?: number): ChangeEvent {
    const e: ChangeEvent = {
      pos: changePosition(ms, seq, 'w1'),
      type: score === undefined ? 'rating.deleted' : 'rating.changed',
      movieId: 'm1',
      userId,
      ...(score === undefined ? {} : { score }),
      at: new Date(ms).toISOString(),
    };
    this.visible.push(e);
    return e;
  }

  source = async (after: string | undefined, limit: number): Promise<ChangesPage> => {
    this.reads++;
    const events = this.visible
      .filter((e) => after === undefined || e.pos > after)
      .sort((a, b) => (a.pos < b.pos ? -1 : 1))
      .slice(0, limit);
    return { events, horizon: this.horizon };
  };
}

describe('ChangeFeedReader', () => {
  it('delivers every event once, in position order, across pages', async () => {
    const feed = new FakeFeed();
    for (let i = 0; i < 25; i++) feed.show(1_000_000 + i, i, `u${i}`, 3);
    const got: string[] = [];
    const reader = new ChangeFeedReader(feed.source, async (events) => void got.push(...events.map((e) => e.userId!)), undefined, {
      pageSize: 10,
    });
    expect(await reader.poll()).toBe(25);
    expect(await reader.poll()).toBe(0);
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => `u${i}`));
    expect(reader.current).toBe(feed.visible[24].pos);
  });

  it('picks up an event that becomes visible after a later one, inside the overlap window', async () => {
    const feed = new FakeFeed();
    const got: ChangeEvent[] = [];
    const reader = new ChangeFeedReader(feed.source, async (events) => void got.push(...events), undefined, { overlapMs: 1000 });
    feed.show(10_000, 2, 'late-b', 4);
    await reader.poll();
    // Written just before, visible just after: a concurrent writer's slower insert.
    feed.show(9_500, 1, 'late-a', 5);
    feed.show(10_100, 3, 'next', 1);
    expect(await reader.poll()).toBe(2);
    expect(got.map((e) => e.userId)).toEqual(['late-b', 'late-a', 'next']);
  });

  it('drops a late event when a newer one of the same key was delivered', async () => {
    const feed = new FakeFeed();
    const got: ChangeEvent[] = [];
    const reader = new ChangeFeedReader(feed.source, async (events) => void got.push(...events), undefined, {
      overlapMs: 1000,
      keyOf: (e) => `${e.movieId}/${e.userId}`,
    });
    feed.show(10_000, 2, 'u1', 2);
    await reader.poll();
    feed.show(9_900, 1, 'u1', 5);
    expect(await reader.poll()).toBe(0);
    expect(got.map((e) => e.score)).toEqual([2]);
  });

  it('does not advance when the consumer fails, so the same events come again', async () => {
    const feed = new FakeFeed();
    feed.show(5_000, 1, 'u1', 3);
    let fail = true;
    const got: ChangeEvent[] = [];
    const reader = new ChangeFeedReader(
      feed.source,
      async (events) => {
        if (fail) throw new Error('consumer down');
        got.push(...events);
      },
      undefined,
    );
    await expect(reader.poll()).rejects.toThrow('consumer down');
    expect(reader.current).toBeUndefined();
    fail = false;
    expect(await reader.poll()).toBe(1);
    expect(got).toHaveLength(1);
  });

  it('asks the consumer to resync when its position is older than the feed keeps, then continues from there', async () => {
    const feed = new FakeFeed();
    feed.horizon = positionAt(50_000);
    feed.show(60_000, 1, 'old', 3);
    feed.show(70_000, 2, 'new', 4);
    const got: string[] = [];
    const gaps: string[] = [];
    const reader = new ChangeFeedReader(
      feed.source,
      async (events) => void got.push(...events.map((e) => e.userId!)),
      changePosition(1_000, 1, 'w1'),
      {
        overlapMs: 1000,
        onGap: async (horizon) => {
          gaps.push(horizon);
          return changePosition(65_000, 0, 'w1');
        },
      },
    );
    await reader.poll();
    await reader.poll();
    expect(gaps).toEqual([positionAt(50_000)]);
    expect(got).toEqual(['new']);
  });
});
