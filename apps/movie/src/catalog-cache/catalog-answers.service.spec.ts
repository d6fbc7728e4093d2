import { AppError } from '@app/common';
import { strongEtag } from '@app/contracts';
import type { AppConfig } from '@app/config';
import { CatalogAnswers } from './catalog-answers.service';
import { CatalogCache } from './catalog-cache.service';
import { CatalogChanges, CatalogChangeSource } from './catalog-changes.service';

function setup(enabled = true) {
  const source: CatalogChangeSource = {
    position: jest.fn(async () => 'v1'),
    record: jest.fn(async () => undefined),
    watch: async () => async () => undefined,
  };
  const cache = new CatalogCache({ enabled, maxBytes: 10_000, stalenessMs: 100 });
  const changes = new CatalogChanges(cache, source, { catalogCache: { pollMs: 25 } } as AppConfig);
  return { cache, changes, source, answers: new CatalogAnswers(cache, changes) };
}

describe('CatalogAnswers.read', () => {
  it('serialises and tags the answer once, then answers the same read from memory', async () => {
    const { answers, changes } = setup();
    const produce = jest.fn(async () => ({ id: 'm1', name: 'Heat' }));
    const first = await answers.read('movie.get', { id: 'm1' }, {}, produce);
    expect(first).toEqual({ etag: strongEtag('{"id":"m1","name":"Heat"}'), body: '{"id":"m1","name":"Heat"}' });
    expect(await answers.read('movie.get', { id: 'm1' }, {}, produce)).toEqual(first);
    expect(produce).toHaveBeenCalledTimes(1);
    // Another payload or another pattern is another answer.
    await answers.read('movie.get', { id: 'm2' }, {}, produce);
    await answers.read('movie.other', { id: 'm1' }, {}, produce);
    expect(produce).toHaveBeenCalledTimes(3);
    await changes.onModuleDestroy();
  });

  it('answers a matching If-None-Match with the tag and no body, from memory and fresh alike', async () => {
    const { answers, changes } = setup();
    const produce = async () => [1, 2];
    const etag = strongEtag('[1,2]');
    expect(await answers.read('genres.list', null, { ifNoneMatch: [etag] }, produce)).toEqual({ etag, body: null });
    expect(await answers.read('genres.list', null, { ifNoneMatch: ['"other"', `W/${etag}`] }, produce)).toEqual({ etag, body: null });
    expect(await answers.read('genres.list', null, { ifNoneMatch: ['"other"'] }, produce)).toEqual({ etag, body: '[1,2]' });
    // Tags that are not strings are ignored, not trusted.
    expect(await answers.read('genres.list', null, { ifNoneMatch: [1 as unknown as string] }, produce)).toEqual({ etag, body: '[1,2]' });
    await changes.onModuleDestroy();
  });

  it('waits for a position check when the last one is too old, and reads afresh after a write', async () => {
    const { answers, changes, source, cache } = setup();
    let n = 0;
    const produce = async () => ++n;
    expect(cache.confirmed()).toBe(false);
    expect((await answers.read('p', null, undefined, produce)).body).toBe('1');
    expect(source.position).toHaveBeenCalledTimes(1);
    expect((await answers.read('p', null, undefined, produce)).body).toBe('1');
    await answers.write(async () => 'done');
    expect((await answers.read('p', null, undefined, produce)).body).toBe('2');
    await changes.onModuleDestroy();
  });

  it('reads the database every time when the cache is off, and never checks the position', async () => {
    const { answers, source } = setup(false);
    let n = 0;
    const produce = async () => ++n;
    await answers.read('p', null, undefined, produce);
    expect((await answers.read('p', null, undefined, produce)).body).toBe('2');
    expect(source.position).not.toHaveBeenCalled();
  });

  it('keeps no failed read', async () => {
    const { answers, changes } = setup();
    await expect(answers.read('p', null, undefined, () => Promise.reject(AppError.notFound('gone')))).rejects.toMatchObject({ status: 404 });
    expect((await answers.read('p', null, undefined, async () => 'back')).body).toBe('"back"');
    await changes.onModuleDestroy();
  });
});

describe('CatalogAnswers.write', () => {
  it('acknowledges a write only after the change was recorded and local answers dropped', async () => {
    const { answers, cache, source } = setup();
    const generation = cache.begin();
    await expect(answers.write(async () => ({ id: 'm1' }))).resolves.toEqual({ id: 'm1' });
    expect(source.record).toHaveBeenCalledTimes(1);
    expect(cache.begin()).toBe(generation + 1);
  });

  it('invalidates after a failed write that may have written, not after one refused before writing', async () => {
    const { answers, source } = setup();
    await expect(answers.write(() => Promise.reject(AppError.notFound('No such movie')))).rejects.toMatchObject({ status: 404 });
    expect(source.record).not.toHaveBeenCalled();
    const broken = new Error('connection reset');
    await expect(answers.write(() => Promise.reject(broken))).rejects.toBe(broken);
    expect(source.record).toHaveBeenCalledTimes(1);
    // The write's own error wins over a failure to record the change.
    (source.record as jest.Mock).mockRejectedValueOnce(new Error('bus down'));
    await expect(answers.write(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
