/** Returned by plainCopy when a value needs JSON's own rules (toJSON, class instances, non-finite numbers, ...). */
const NOT_PLAIN = Symbol('notPlain');
/** Deeper or wider than this, JSON text is as cheap as a walk. */
const MAX_DEPTH = 8;
const MAX_KEYS = 64;

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** What JSON would carry of a value made of plain objects, arrays, strings, booleans, null and finite numbers. */
function plainCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes NaN and the infinities as null and -0 as 0: leave those to it.
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || value.length > MAX_KEYS) return NOT_PLAIN;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // In arrays JSON writes what it cannot carry as null.
      const copied = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : plainCopy(item, depth + 1);
      if (copied === NOT_PLAIN) return NOT_PLAIN;
      out[i] = copied;
    }
    return out;
  }
  if (!isPlainObject(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    // JSON.parse makes `__proto__` an own property; an assignment would set the prototype instead.
    if (key === '__proto__') return NOT_PLAIN;
    const item = (value as Record<string, unknown>)[key];
    // In objects JSON leaves out what it cannot carry.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const copied = plainCopy(item, depth + 1);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    out[key] = copied;
  }
  return out;
}

/**
 * The wire's semantics without the wire: what crosses is what JSON carries (dates become strings, undefined fields
 * go, class instances become plain objects), and neither side keeps a reference into the other's objects. Plain data
 * (the envelopes and answers of every call) is copied by a walk; anything else goes through JSON text, whose rules
 * the walk keeps exactly (wire-copy.util.spec.ts compares the two).
 */
export function wireCopy<T>(value: T): T {
  if (value === undefined) return value;
  const copied = plainCopy(value, 0);
  return (copied === NOT_PLAIN ? JSON.parse(JSON.stringify(value)) : copied) as T;
}
