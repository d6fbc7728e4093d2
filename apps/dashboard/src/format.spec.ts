import { callDelta, describeStrategy, formatRating, genreNames, intervalOutcome, pageCount, safeImageUrl, worstState } from './format';

describe('dashboard formatting', () => {
  it('takes the worst instance state for a service card', () => {
    expect(worstState([{ state: 'closed' }, { state: 'closed' }])).toBe('closed');
    expect(worstState([{ state: 'closed' }, { state: 'half-open' }])).toBe('half-open');
    expect(worstState([{ state: 'half-open' }, { state: 'open' }, { state: 'closed' }])).toBe('open');
    expect(worstState([{ state: 'open' }, { state: 'isolated' }])).toBe('isolated');
    expect(worstState([])).toBe('open');
  });

  it('counts calls since the last poll and restarts after a counter reset', () => {
    const before = { success: 10, failure: 2, timeout: 0, rejected: 0 };
    expect(callDelta(before, { success: 13, failure: 2, timeout: 1, rejected: 4 })).toEqual({
      success: 3,
      failure: 0,
      timeout: 1,
      rejected: 4,
    });
    expect(callDelta(undefined, before)).toEqual(before);
    expect(callDelta(before, { success: 1, failure: 0, timeout: 0, rejected: 0 })).toEqual({
      success: 1,
      failure: 0,
      timeout: 0,
      rejected: 0,
    });
  });

  it('classifies an interval for the outcome strip', () => {
    expect(intervalOutcome({ success: 0, failure: 0, timeout: 0, rejected: 0 })).toBe('idle');
    expect(intervalOutcome({ success: 4, failure: 0, timeout: 0, rejected: 0 })).toBe('ok');
    expect(intervalOutcome({ success: 4, failure: 1, timeout: 0, rejected: 0 })).toBe('mixed');
    expect(intervalOutcome({ success: 0, failure: 0, timeout: 0, rejected: 3 })).toBe('failing');
  });

  it('formats ratings, genres, pages and strategies', () => {
    expect(formatRating(4.25, 4)).toBe('4.3 / 5 from 4 ratings');
    expect(formatRating(4, 1)).toBe('4.0 / 5 from 1 rating');
    expect(formatRating(null, 0)).toBe('No ratings yet');
    expect(genreNames(['Drama', { id: 'x', name: 'Comedy' }, 3])).toEqual(['Drama', 'Comedy']);
    expect(pageCount(25, 12)).toBe(3);
    expect(pageCount(0, 12)).toBe(1);
    expect(describeStrategy('fallback-popular')).toMatch(/^fallback-popular: the recommendation service is unavailable/);
    expect(describeStrategy('item-cf')).toMatch(/^item-cf: personal picks/);
    expect(describeStrategy('collaborative')).toBe('collaborative');
  });

  it('only lets images through that the page CSP allows', () => {
    const origin = 'http://127.0.0.1:7777';
    expect(safeImageUrl('https://img.example/a.jpg', origin)).toBe('https://img.example/a.jpg');
    expect(safeImageUrl('/covers/a.jpg', origin)).toBe('http://127.0.0.1:7777/covers/a.jpg');
    expect(safeImageUrl('http://img.example/a.jpg', origin)).toBeNull();
    expect(safeImageUrl('javascript:alert(1)', origin)).toBeNull();
    expect(safeImageUrl('', origin)).toBeNull();
  });
});
