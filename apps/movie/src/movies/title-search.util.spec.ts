import { escapeRegExp, titleMatcher } from './title-search.util';

describe('title search', () => {
  it('escapes every regular-expression metacharacter', () => {
    const special = '.*+?^${}()|[]\\/-';
    const escaped = escapeRegExp(special);
    expect(new RegExp(`^${escaped}$`).test(special)).toBe(true);
    expect(escaped).toBe('\\.\\*\\+\\?\\^\\$\\{\\}\\(\\)\\|\\[\\]\\\\\\/\\-');
  });

  it('matches a literal case-insensitive substring only', () => {
    expect(titleMatcher('MATRIX').test('The Matrix Reloaded')).toBe(true);
    expect(titleMatcher('a.c').test('abc')).toBe(false);
    expect(titleMatcher('a.c').test('xa.cx')).toBe(true);
    expect(titleMatcher('(.*)').test('anything')).toBe(false);
    expect(titleMatcher('(.*)').test('Movie (.*) Title')).toBe(true);
  });

  it('turns a catastrophic-backtracking pattern into a harmless literal', () => {
    const started = Date.now();
    expect(titleMatcher('(a+)+$').test('a'.repeat(5000) + '!')).toBe(false);
    // Backtracking on this input would take minutes; a literal match takes microseconds, even on a busy machine.
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
