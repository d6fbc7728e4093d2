import fc from 'fast-check';
import jwt from 'jsonwebtoken';

/** Values an attacker or a broken client would send, in any position. */
export const hostileScalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\n\r',
    '%00',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '.*',
    '(a+)+$',
    '\\',
    'null',
    'undefined',
    'NaN',
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -0),
  fc.boolean(),
  fc.constant(null),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);

const operatorKey = fc.constantFrom('$ne', '$gt', '$where', '$regex', '$in', '$exists', '$expr', '$or', '$set', '$inc');
const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'a.b', '$where', 'toString', 'hasOwnProperty');

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.dictionary(operatorKey, hostileScalar, { maxKeys: 2 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), pollutionKey), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Deep nesting (stack-depth attacks) as raw JSON text. */
export const deepJson = fc.integer({ min: 100, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));

export const malformedJson = fc.constantFrom(
  '{',
  '{"a":',
  '[1,2',
  '{"a":1,}',
  "{'a':1}",
  'undefined',
  '\u0000',
  '{"__proto__":{"polluted":true}}',
  'NaN',
  '}{',
);

/** Bodies built from a route's own field names with hostile values, or anything at all. */
export function hostileBody(fields: string[]): fc.Arbitrary<{ raw: string; contentType: string }> {
  const known = fields.length
    ? fc.dictionary(fc.oneof(fc.constantFrom(...fields), pollutionKey, fc.string({ maxLength: 6 })), hostileValue, {
        maxKeys: fields.length + 2,
      })
    : fc.dictionary(fc.string({ maxLength: 6 }), hostileValue, { maxKeys: 3 });
  return fc.oneof(
    known.map((o) => ({ raw: JSON.stringify(o), contentType: 'application/json' })),
    hostileValue.map((v) => ({ raw: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
    malformedJson.map((raw) => ({ raw, contentType: 'application/json' })),
    deepJson.map((raw) => ({ raw, contentType: 'application/json' })),
    fc.constant({ raw: JSON.stringify({ x: 'y'.repeat(150_000) }), contentType: 'application/json' }),
    known.map((o) => ({
      raw: new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString(),
      contentType: 'application/x-www-form-urlencoded',
    })),
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-7',
      )
      .map((contentType) => ({
        raw: '--x\r\nContent-Disposition: form-data; name="user"\r\n\r\nadmin\r\n--x--',
        contentType,
      })),
  );
}

/** Path segments for `{id}`-style parameters. */
export const hostileId = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{24}$/),
  fc.constantFrom(
    '0',
    'null',
    '{"$ne":null}',
    '%24ne',
    '..',
    '.',
    'zzzzzzzzzzzzzzzzzzzzzzzz',
    '5f9d88b9c2a1b2c3d4e5f6a',
    '5F9D88B9C2A1B2C3D4E5F6A7B',
  ),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 2000 }),
);

/** Forged, truncated and otherwise bad bearer tokens, signed with the wrong key, `alg: none`, wrong issuer, expired. */
export function hostileAuth(secret: string, issuer: string, validUserToken: string): fc.Arbitrary<string | undefined> {
  const claims = { sub: '0123456789abcdef01234567', name: 'admin', role: 'admin', jti: 'x' };
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${validUserToken}`),
    fc.constant(`Bearer ${jwt.sign(claims, 'wrong-secret-wrong-secret-wrong-secret', { algorithm: 'HS256', issuer })}`),
    fc.constant(`Bearer ${jwt.sign(claims, '', { algorithm: 'none' })}`),
    fc.constant(`Bearer ${jwt.sign(claims, secret, { algorithm: 'HS256', issuer: 'evil' })}`),
    fc.constant(`Bearer ${jwt.sign({ ...claims, exp: 1 }, secret, { algorithm: 'HS256', issuer })}`),
    fc.constant(`Bearer ${validUserToken.slice(0, -5)}`),
    fc.string({ maxLength: 200 }).map((s) => `Bearer ${s}`),
    fc.string({ maxLength: 50 }),
  );
}
