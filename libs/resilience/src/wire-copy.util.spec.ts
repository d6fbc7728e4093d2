import { wireCopy } from './wire-copy.util';

class Movie {
  constructor(
    readonly name: string,
    readonly hidden = undefined,
  ) {}
}

const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Values of every shape a call carries, and the ones JSON has its own rules for. */
const CASES: Record<string, unknown> = {
  envelope: { data: { id: 'a'.repeat(24) }, meta: { requestId: 'r-1', ifNoneMatch: undefined, token: 'x' } },
  answer: { etag: '"abc"', body: '{"id":"1"}' },
  notModified: { etag: '"abc"', body: null },
  numbers: { n: 1, f: 0.5, neg: -3, big: 1e300, nan: NaN, inf: Infinity, negZero: -0 },
  arrays: [1, 'a', null, undefined, () => 1, Symbol('s'), [true, false], { x: [] }],
  date: { when: new Date(1000) },
  instance: { movie: new Movie('m') },
  toJson: { custom: { toJSON: () => 'custom' } },
  dropped: { f: () => 1, s: Symbol('s'), u: undefined, ok: 1 },
  protoKey: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
  nullProto: Object.assign(Object.create(null) as object, { a: 1 }),
  deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 'deep' } } } } } } } } } },
  wide: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i])),
  string: 'plain',
  number: 42,
  nothing: null,
};

describe('wireCopy: what JSON would carry, without sharing objects', () => {
  for (const [name, value] of Object.entries(CASES)) {
    it(`equals the JSON round trip: ${name}`, () => {
      const copied = wireCopy(value);
      expect(copied).toStrictEqual(viaJson(value));
      if (typeof value === 'object' && value !== null) expect(copied).not.toBe(value);
    });
  }

  it('shares no object with the original at any depth', () => {
    const value = { a: { b: [{ c: 1 }] } };
    const copied = wireCopy(value);
    copied.a.b[0].c = 2;
    expect(value.a.b[0].c).toBe(1);
    expect(copied.a).not.toBe(value.a);
  });

  it('never sets a prototype from a __proto__ key', () => {
    const copied = wireCopy(CASES.protoKey) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(copied, '__proto__')).toBe(true);
  });

  it('passes undefined through, as the channel answers nothing', () => {
    expect(wireCopy(undefined)).toBeUndefined();
  });
});
