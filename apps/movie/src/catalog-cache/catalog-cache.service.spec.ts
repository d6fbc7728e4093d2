import { strongEtag } from '@app/contracts';
import { CatalogCache } from './catalog-cache.service';
import { CatalogChanges, CatalogChangeSource } from './catalog-changes.service';
import type { AppConfig } from '@app/config';

const options = { enabled: true, maxBytes: 10_000, stalenessMs: 100 };
const answer = (body: string) => ({ etag: strongEtag(body), body });

describe('CatalogCache', () => {
  it('serves an answer only while the shared version was confirmed within the staleness bound', () => {
    const cache = new CatalogCache(options);
    cache.store('k', answer('[1]'), cache.begin());
    expect(cache.lookup('k', 0)).toBeUndefined();
    cache.confirm(1000);
    expect(cache.lookup('k', 1050)?.body).toBe('[1]');
    expect(cache.lookup('k', 1099.9)?.body).toBe('[1]');
    expect(cache.lookup('k', 1100)).toBeUndefined();
  });

  it('drops everything on a change and refuses a fill that began before it', () => {
    const cache = new CatalogCache(options);
    cache.confirm(0);
    const before = cache.begin();
    cache.store('a', answer('"a"'), before);
    cache.invalidate();
    expect(cache.lookup('a', 1)).toBeUndefined();
    cache.store('b', answer('"b"'), before);
    expect(cache.lookup('b', 1)).toBeUndefined();
    cache.store('b', answer('"b"'), cache.begin());
    expect(cache.lookup('b', 1)?.body).toBe('"b"');
  });

  it('stays within its byte bound, least recently used first', () => {
    const cache = new CatalogCache({ ...options, maxBytes: 1000 });
    cache.confirm(0);
    for (let i = 0; i < 20; i++) cache.store(`k${i}`, answer('x'.repeat(200)), cache.begin());
    expect(cache.stats().bytes).toBeLessThanOrEqual(1000);
    expect(cache.lookup('k19', 1)).toBeDefined();
    expect(cache.lookup('k0', 1)).toBeUndefined();
  });

  it('keeps nothing when disabled', () => {
    const cache = new CatalogCache({ ...options, enabled: false });
    cache.confirm(0);
    cache.store('k', answer('1'), cache.begin());
    expect(cache.lookup('k', 1)).toBeUndefined();
  });

  it('tags equal bodies equally and different bodies differently', () => {
    expect(strongEtag('{"a":1}')).toBe(strongEtag('{"a":1}'));
    expect(strongEtag('{"a":1}')).not.toBe(strongEtag('{"a":2}'));
    expect(strongEtag('x')).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });
});

const noWatch = async () => async () => undefined;

describe('CatalogChanges', () => {
  const config = { catalogCache: { pollMs: 25 } } as AppConfig;

  function setup() {
    let position = 'v1';
    const source: CatalogChangeSource = { position: jest.fn(async () => position), record: jest.fn(async () => undefined), watch: noWatch };
    const cache = new CatalogCache(options);
    const changes = new CatalogChanges(cache, source, config);
    return { cache, changes, source, move: (p: string) => (position = p) };
  }

  it('invalidates when another instance moved the shared position, and confirms each successful check', async () => {
    const { cache, changes, move } = setup();
    await changes.refresh();
    const generation = cache.begin();
    cache.store('k', answer('1'), generation);
    expect(cache.lookup('k')).toBeDefined();
    await changes.refresh();
    expect(cache.begin()).toBe(generation);
    move('v2');
    await changes.refresh();
    expect(cache.begin()).toBe(generation + 1);
    expect(cache.lookup('k')).toBeUndefined();
    await changes.onModuleDestroy();
  });

  it('stops confirming while the shared position cannot be read', async () => {
    const { cache, changes, source } = setup();
    (source.position as jest.Mock).mockRejectedValueOnce(new Error('database down'));
    await changes.refresh();
    await changes.onModuleDestroy();
    cache.store('k', answer('1'), cache.begin());
    expect(cache.lookup('k')).toBeUndefined();
  });

  it('drops local answers and records the change before a write is acknowledged', async () => {
    const { cache, changes, source } = setup();
    const generation = cache.begin();
    await changes.written();
    expect(cache.begin()).toBe(generation + 1);
    expect(source.record).toHaveBeenCalledTimes(1);
  });
});

describe('CatalogChanges with the pushed events', () => {
  it("drops the cached answers when another instance's write arrives, before any position check", async () => {
    let changed: () => void = () => undefined;
    const source: CatalogChangeSource = {
      position: async () => 'v',
      record: async () => undefined,
      watch: async (onChange) => {
        changed = onChange;
        return async () => undefined;
      },
    };
    const cache = new CatalogCache(options);
    const changes = new CatalogChanges(cache, source, { catalogCache: { pollMs: 25 } } as AppConfig);
    changes.onApplicationBootstrap();
    await changes.refresh();
    const generation = cache.begin();
    cache.store('k', answer('1'), generation);
    expect(cache.lookup('k')).toBeDefined();
    changed();
    expect(cache.lookup('k')).toBeUndefined();
    expect(cache.begin()).toBe(generation + 1);
    await changes.onModuleDestroy();
  });
});

describe('CatalogChanges while idle', () => {
  it('stops checking without reads, and a read that finds the version unconfirmed starts a check and waits for it', async () => {
    let calls = 0;
    const source: CatalogChangeSource = { position: async () => `v${++calls > 0 ? 1 : 0}`, record: async () => undefined, watch: noWatch };
    const cache = new CatalogCache(options);
    const changes = new CatalogChanges(cache, source, { catalogCache: { pollMs: 25 } } as AppConfig);
    changes.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toBe(1);
    const waiting = [changes.refresh(), changes.refresh()];
    await Promise.all(waiting);
    expect(calls).toBe(2);
    expect(cache.confirmed()).toBe(true);
    await changes.onModuleDestroy();
  });
});

describe('CatalogChanges under a burst of writes', () => {
  it('shares one queued version write among the writes that arrive while one runs, and never reuses a running one', async () => {
    let release!: () => void;
    let started = 0;
    const source: CatalogChangeSource = {
      position: async () => 'v',
      watch: noWatch,
      record: () => {
        started++;
        return started === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
    };
    const changes = new CatalogChanges(new CatalogCache(options), source, { catalogCache: { pollMs: 25 } } as AppConfig);
    const first = changes.written();
    await Promise.resolve();
    await Promise.resolve();
    const burst = Array.from({ length: 10 }, () => changes.written());
    expect(started).toBe(1);
    release();
    await Promise.all([first, ...burst]);
    expect(started).toBe(2);
  });
});
