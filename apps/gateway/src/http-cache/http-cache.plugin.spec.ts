import { etagMatches } from '@app/contracts';
import { parseIfNoneMatch } from './http-cache.plugin';

describe('If-None-Match (RFC 9110 §13.1.2)', () => {
  it('reads *, one tag, weak tags and lists', () => {
    expect(parseIfNoneMatch('*')).toEqual(['*']);
    expect(parseIfNoneMatch('"abc"')).toEqual(['"abc"']);
    expect(parseIfNoneMatch('W/"abc"')).toEqual(['W/"abc"']);
    expect(parseIfNoneMatch('"a", W/"b" ,"c"')).toEqual(['"a"', 'W/"b"', '"c"']);
    expect(parseIfNoneMatch(['"a"', '"b"'])).toEqual(['"a"', '"b"']);
  });

  it('ignores an absent or malformed header', () => {
    for (const bad of [undefined, '', 'abc', '"unterminated', '"a" "b"', 'w/"lower"', '"a",junk'])
      expect(parseIfNoneMatch(bad)).toBeUndefined();
  });

  it('keeps at most 32 tags of bounded length', () => {
    expect(parseIfNoneMatch(Array.from({ length: 100 }, (_, i) => `"t${i}"`).join(','))).toHaveLength(32);
    expect(parseIfNoneMatch(`"${'x'.repeat(500)}", "ok"`)).toEqual(['"ok"']);
  });

  it('compares weakly: W/ prefixes do not matter, opaque tags must be identical, * matches anything', () => {
    expect(etagMatches(['W/"abc"'], '"abc"')).toBe(true);
    expect(etagMatches(['"abc"'], '"abc"')).toBe(true);
    expect(etagMatches(['"x"', '"abc"'], '"abc"')).toBe(true);
    expect(etagMatches(['*'], '"abc"')).toBe(true);
    expect(etagMatches(['"ABC"'], '"abc"')).toBe(false);
    expect(etagMatches([], '"abc"')).toBe(false);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
  });
});
